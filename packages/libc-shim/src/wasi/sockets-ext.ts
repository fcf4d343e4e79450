// The socket calls preview1 lacks, as WasmEdge's extension of `wasi_snapshot_preview1` defines them
// (the functions and layouts of WasmEdge 0.13+ and its wasmedge_wasi_socket crate 0.5): sock_open,
// sock_bind, sock_listen, sock_connect, sock_recv_from, sock_send_to, sock_getlocaladdr,
// sock_getpeeraddr, sock_getsockopt, sock_setsockopt, sock_getaddrinfo. Chosen over WASIX's
// `wasix_32v1` because a program built with Debian's stock clang + wasi-libc (or rustc's
// wasm32-wasi std) links against it with one small header and no other libc: it stays in the
// preview1 namespace and reuses preview1's sock_accept/recv/send/shutdown; WASIX needs its own
// libc and toolchain. Layouts (wasm32, little-endian):
//   address   {buf: u32 ptr, buf_len: u32}; buf holds the IPv4 bytes (buf_len 4) for bind,
//             connect and send_to; recv_from writes family u16 (1 = inet4) then the 4 bytes;
//             getlocaladdr/getpeeraddr write the 4 bytes and addr_type 4.
//   af        0 unspec (= inet4 here), 1 inet4, 2 inet6 (EAFNOSUPPORT); socktype 1 dgram, 2 stream.
//   options   level 0 = SOL_SOCKET with WasmEdge's names (0 SO_REUSEADDR, 1 SO_TYPE, 2 SO_ERROR,
//             4 SO_BROADCAST, 5 SO_SNDBUF, 6 SO_RCVBUF, 7 SO_KEEPALIVE, 9 SO_LINGER,
//             11 SO_RCVTIMEO, 12 SO_SNDTIMEO, 13 SO_ACCEPTCONN is ENOPROTOOPT here); our addition: level 6 =
//             IPPROTO_TCP with Linux's names (1 TCP_NODELAY, 2 TCP_MAXSEG, 4-6 TCP_KEEP*).
//   addrinfo  28 bytes, packed(4): flags u16 @0, family u8 @2, socktype u8 @3, protocol u8 @4,
//             addrlen u32 @8, addr ptr @12, canonname ptr @16, canonnamelen u32 @20, next @24;
//             sockaddr {family u8 @0, sa_data_len u32 @4, sa_data ptr @8}, sa_data = port (big
//             endian) then the address, as BSD's sa_data. The caller preallocates the chain.
import * as A from './abi';
import { wasiErrno } from './errno';
import type { LinearMemory } from './memory';
import type { R } from './preview1';
import {
  checkRecvOut,
  countOut,
  L,
  parseIpv4,
  recvIovecs,
  recvOut,
  riflagsToMsg,
  sendIovecs,
  type WasiSockets,
} from './sockets';

const E = A.WasiErrno;

/** The extension's import names (besides preview1's four sock_* calls). */
export const SOCKET_EXT_NAMES = [
  'sock_open',
  'sock_bind',
  'sock_listen',
  'sock_connect',
  'sock_recv_from',
  'sock_send_to',
  'sock_getlocaladdr',
  'sock_getpeeraddr',
  'sock_getsockopt',
  'sock_setsockopt',
  'sock_getaddrinfo',
] as const;

// WasmEdge's SOL_SOCKET option names → Linux's (rknet's).
const SO_NAMES: Record<number, number> = {
  0: 2, // SO_REUSEADDR
  1: 3, // SO_TYPE
  2: 4, // SO_ERROR
  4: 6, // SO_BROADCAST
  5: 7, // SO_SNDBUF
  6: 8, // SO_RCVBUF
  7: 9, // SO_KEEPALIVE
  9: 13, // SO_LINGER
  11: 20, // SO_RCVTIMEO
  12: 21, // SO_SNDTIMEO
};
const LEVEL_SOCKET = 0;
const LEVEL_TCP = 6;
const AI_PASSIVE = 1;
const AI_SIZE = 28;

export class WasiSocketExt {
  constructor(
    private readonly t: WasiSockets,
    private readonly mem: () => LinearMemory,
  ) {}

  /** The IPv4 address an `address` struct names. @returns it, or a WASI errno as -errno. */
  private addrIn(ptr: number): number {
    const m = this.mem();
    const buf = m.u32(ptr);
    const len = m.u32(ptr + 4);
    if (len === 16) return -E.AFNOSUPPORT;
    if (len !== 4) return -E.INVAL;
    const b = m.bytes(buf, 4, 'address');
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }
  private writeAddr(ptr: number, addr: number, withFamily: boolean): void {
    const m = this.mem();
    const buf = m.u32(ptr);
    const len = m.u32(ptr + 4);
    const need = withFamily ? 6 : 4;
    if (len < need) throw new RangeError('short');
    const b = m.bytes(buf, need, 'address');
    let at = 0;
    if (withFamily) {
      b[0] = 1;
      b[1] = 0;
      at = 2;
    }
    for (let i = 0; i < 4; i++) b[at + i] = (addr >>> (24 - 8 * i)) & 255;
  }

  sock_open = async (af: number, type: number, out: number): Promise<number> => {
    if (af === 2) return E.AFNOSUPPORT;
    if (af > 2) return E.INVAL;
    if (type !== 1 && type !== 2) return E.PROTOTYPE;
    this.mem().check(out, 4, 'fd');
    const net = this.t.net();
    if (!net) return E.NETDOWN;
    const s = net.socket(L.AF_INET, type === 2 ? L.SOCK_STREAM : L.SOCK_DGRAM, 0);
    if (typeof s === 'number') return wasiErrno(s);
    const fd = this.t.install(s);
    if (fd < 0) return -fd;
    this.mem().setU32(out, fd);
    return E.SUCCESS;
  };
  sock_bind = (fd: number, addr: number, port: number): R => {
    const s = this.t.sock(fd);
    if (typeof s === 'number') return s;
    const a = this.addrIn(addr);
    if (a < 0) return -a;
    return wasiErrno(s.bind({ family: 2, addr: a, port: port & 0xffff }));
  };
  sock_listen = (fd: number, backlog: number): R => {
    const s = this.t.sock(fd);
    return typeof s === 'number' ? s : wasiErrno(s.listen(backlog));
  };
  sock_connect = async (fd: number, addr: number, port: number): Promise<number> => {
    const s = this.t.sock(fd);
    if (typeof s === 'number') return s;
    const a = this.addrIn(addr);
    if (a < 0) return -a;
    return wasiErrno(await s.connect({ family: 2, addr: a, port: port & 0xffff }));
  };
  sock_recv_from = async (
    fd: number,
    iovs: number,
    n: number,
    addr: number,
    riflags: number,
    outPort: number,
    outLen: number,
    outFlags: number,
  ): Promise<number> => {
    const s = this.t.sock(fd);
    if (typeof s === 'number') return s;
    const m = this.mem();
    m.check(outPort, 4, 'port');
    checkRecvOut(m, outLen, outFlags);
    const from = { addr: 0, port: 0 };
    const r = await recvIovecs(s, m.iovecs(iovs, n), riflagsToMsg(riflags), from);
    if (r < 0) return wasiErrno(r);
    if (addr !== 0) {
      try {
        this.writeAddr(addr, from.addr, true);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        return E.INVAL;
      }
    }
    m.setU32(outPort, from.port);
    return recvOut(m, r, outLen, outFlags);
  };
  sock_send_to = async (
    fd: number,
    iovs: number,
    n: number,
    addr: number,
    port: number,
    _flags: number,
    out: number,
  ): Promise<number> => {
    const s = this.t.sock(fd);
    if (typeof s === 'number') return s;
    const a = this.addrIn(addr);
    if (a < 0) return -a;
    const m = this.mem();
    m.check(out, 4, 'so_datalen');
    const to = { family: 2 as const, addr: a, port: port & 0xffff };
    return countOut(m, await sendIovecs(s, m.iovecs(iovs, n), to), out);
  };
  private name(fd: number, addr: number, outType: number, outPort: number, peer: boolean): R {
    const s = this.t.sock(fd);
    if (typeof s === 'number') return s;
    const m = this.mem();
    m.check(outType, 4, 'addr_type');
    m.check(outPort, 4, 'port');
    const o = { addr: 0, port: 0 };
    const r = peer ? s.getpeername(o) : s.getsockname(o);
    if (r < 0) return wasiErrno(r);
    try {
      this.writeAddr(addr, o.addr, false);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return E.INVAL;
    }
    m.setU32(outType, 4);
    m.setU32(outPort, o.port);
    return E.SUCCESS;
  }
  sock_getlocaladdr = (fd: number, addr: number, t: number, p: number): R =>
    this.name(fd, addr, t, p, false);
  sock_getpeeraddr = (fd: number, addr: number, t: number, p: number): R =>
    this.name(fd, addr, t, p, true);

  /** (level, name) → rknet's, or null when unknown. */
  private option(level: number, name: number): [number, number] | null {
    if (level === LEVEL_SOCKET) {
      const n = SO_NAMES[name];
      return n === undefined ? null : [1, n];
    }
    if (level === LEVEL_TCP && [1, 2, 4, 5, 6].includes(name)) return [6, name];
    return null;
  }
  sock_getsockopt = (fd: number, level: number, name: number, val: number, lenp: number): R => {
    const s = this.t.sock(fd);
    if (typeof s === 'number') return s;
    const m = this.mem();
    const len = m.u32(lenp);
    const o = this.option(level, name);
    if (!o) return E.NOPROTOOPT;
    let v = s.getsockopt(o[0], o[1]);
    if (v < 0 && !(o[1] === 13 && v === -1)) return wasiErrno(v);
    if (level === LEVEL_SOCKET && name === 1) v = s.type === L.SOCK_STREAM ? 2 : 1;
    if (level === LEVEL_SOCKET && name === 2 && v > 0) v = wasiErrno(-v);
    if (level === LEVEL_SOCKET && (name === 11 || name === 12)) {
      // struct timeval {i64 tv_sec; i64 tv_usec} (wasi-libc's; 8 bytes: two i32).
      const wide = len >= 16;
      m.check(val, wide ? 16 : 8, 'optval');
      const sec = Math.floor(v / 1000);
      const usec = (v % 1000) * 1000;
      if (wide) {
        m.setU64(val, sec);
        m.setU64(val + 8, usec);
      } else {
        m.setU32(val, sec);
        m.setU32(val + 4, usec);
      }
      m.setU32(lenp, wide ? 16 : 8);
      return E.SUCCESS;
    }
    if (level === LEVEL_SOCKET && name === 9) {
      // struct linger {i32 l_onoff; i32 l_linger}
      m.check(val, 8, 'optval');
      m.setU32(val, v >= 0 ? 1 : 0);
      m.setU32(val + 4, Math.max(0, v));
      m.setU32(lenp, 8);
      return E.SUCCESS;
    }
    if (len < 4) return E.INVAL;
    m.setU32(val, v);
    m.setU32(lenp, 4);
    return E.SUCCESS;
  };
  sock_setsockopt = (fd: number, level: number, name: number, val: number, len: number): R => {
    const s = this.t.sock(fd);
    if (typeof s === 'number') return s;
    const o = this.option(level, name);
    if (!o) return E.NOPROTOOPT;
    const m = this.mem();
    let v: number;
    if (level === LEVEL_SOCKET && (name === 11 || name === 12)) {
      if (len !== 8 && len !== 16) return E.INVAL;
      const dv = m.bytes(val, len, 'optval');
      const view = new DataView(dv.buffer, dv.byteOffset, len);
      const sec = len === 16 ? Number(view.getBigInt64(0, true)) : view.getInt32(0, true);
      const usec = len === 16 ? Number(view.getBigInt64(8, true)) : view.getInt32(4, true);
      if (sec < 0 || usec < 0 || usec >= 1_000_000) return E.DOM;
      v = sec * 1000 + Math.ceil(usec / 1000);
    } else if (level === LEVEL_SOCKET && name === 9) {
      if (len < 8) return E.INVAL;
      const on = m.u32(val);
      v = on ? m.u32(val + 4) : -1;
    } else {
      if (len < 4) return E.INVAL;
      v = m.u32(val) | 0;
    }
    return wasiErrno(s.setsockopt(o[0], o[1], v));
  };

  sock_getaddrinfo = async (
    node: number,
    nodeLen: number,
    service: number,
    serviceLen: number,
    hints: number,
    resp: number,
    max: number,
    outLen: number,
  ): Promise<number> => {
    const m = this.mem();
    const str = (p: number, l: number): string | null => {
      const s = l === 0 ? '' : m.string(p, l, 'getaddrinfo name');
      return s === null ? null : s.replace(/\0+$/, '');
    };
    const host = str(node, nodeLen);
    const serv = str(service, serviceLen);
    if (host === null || serv === null) return E.ILSEQ;
    m.check(hints, AI_SIZE, 'hints');
    m.check(outLen, 4, 'res_len');
    const flags = m.view.getUint16(hints, true);
    const hintType = m.view.getUint8(hints + 3);
    const hintProto = m.view.getUint8(hints + 4);
    let port = 0;
    if (serv !== '') {
      if (!/^\d{1,5}$/.test(serv) || Number(serv) > 65535) return E.INVAL;
      port = Number(serv);
    }
    let addrs: number[];
    if (host === '') addrs = [flags & AI_PASSIVE ? 0 : 0x7f000001];
    else if (host === 'localhost') addrs = [0x7f000001];
    // An IPv6 address (no host name has a ':'): rknet has no IPv6, and it is no name to resolve.
    else if (host.includes(':')) return E.AFNOSUPPORT;
    else {
      const lit = parseIpv4(host);
      if (lit !== null) addrs = [lit];
      else {
        const net = this.t.net();
        if (!net) return E.NETDOWN;
        const r = await net.resolve(host);
        if (typeof r === 'number') return wasiErrno(r);
        addrs = r;
      }
    }
    // The caller's chain: *res points at the first addrinfo; each links the next.
    let ai = m.u32(resp);
    let n = 0;
    for (const a of addrs) {
      if (n >= max || ai === 0) break;
      m.check(ai, AI_SIZE, 'addrinfo');
      const sa = m.u32(ai + 12);
      m.view.setUint8(ai + 2, 1);
      m.view.setUint8(ai + 3, hintType === 0 ? 2 : hintType);
      m.view.setUint8(ai + 4, hintProto);
      m.setU32(ai + 8, 16);
      m.setU32(ai + 20, 0);
      if (sa !== 0) {
        m.check(sa, 12, 'sockaddr');
        m.setU8(sa, 1);
        m.setU32(sa + 4, 14);
        const data = m.bytes(m.u32(sa + 8), 6, 'sa_data');
        data[0] = port >> 8;
        data[1] = port & 255;
        for (let i = 0; i < 4; i++) data[2 + i] = (a >>> (24 - 8 * i)) & 255;
      }
      n++;
      const next = m.u32(ai + 24);
      if (n < addrs.length && n < max) ai = next;
    }
    m.setU32(outLen, n);
    return E.SUCCESS;
  };
}
