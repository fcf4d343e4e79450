// Socket descriptors for wasm programs: preview1's four socket calls (sock_accept, sock_recv,
// sock_send, sock_shutdown) and preopened listeners (wasmtime's --tcplisten convention). The socket
// calls preview1 lacks are the WasmEdge extension in sockets-ext.ts, over the same descriptors.
//
// A socket is a descriptor of the program's POSIX process (packages/posix wraps rknet's RkSocket
// as RkPosixSocketFile): fd_read/fd_write/fd_close/fdstat/fd_renumber and poll_oneoff reach it
// through the process like any descriptor; only the socket-specific calls are here.
import type { RkPosix } from '@runikraft/posix';
import type { RkSockAddrIn, RkSocket } from '@runikraft/rknet';
import * as A from './abi';
import { wasiErrno } from './errno';
import type { WasiFdTable } from './fds';
import type { WasiKernel, WasiNet } from './kernel';
import type { LinearMemory } from './memory';

const E = A.WasiErrno;

// Linux's numbers, as rknet takes them (type-only import of rknet: no stack code in a program
// that never opens a socket).
export const L = {
  AF_INET: 2,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_NONBLOCK: 0o4000,
  MSG_PEEK: 0x2,
  MSG_WAITALL: 0x100,
  MSG_NOSIGNAL: 0x4000,
  POLLIN: 0x001,
  POLLOUT: 0x004,
  POLLERR: 0x008,
  POLLHUP: 0x010,
  POLLRDHUP: 0x2000,
} as const;

/** A preopened socket: `tcp:ADDR:PORT` (listening) or `udp:ADDR:PORT` (bound). */
export interface WasiListenSpec {
  proto: 'tcp' | 'udp';
  addr: number;
  port: number;
}

/** Parses `libc.listen`'s comma-separated list. @throws Error naming the bad entry. */
export function parseListen(text: string): WasiListenSpec[] {
  return text
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const m = /^(tcp|udp):(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(item.trim());
      const addr = m ? parseIpv4(m[2]!) : null;
      const port = m ? Number(m[3]) : -1;
      if (!m || addr === null || port < 0 || port > 65535)
        throw new Error(
          `libc.listen: '${item}' is not tcp:ADDR:PORT or udp:ADDR:PORT (e.g. tcp:0.0.0.0:8080)`,
        );
      return { proto: m[1] as 'tcp' | 'udp', addr, port };
    });
}

/** Dotted-quad IPv4 → number, or null. */
export function parseIpv4(s: string): number | null {
  const p = s.split('.');
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return null;
  return p.reduce((a, x) => a * 256 + Number(x), 0);
}

export class WasiSockets {
  private netCache: WasiNet | null | undefined;

  constructor(
    private readonly k: WasiKernel,
    private readonly px: RkPosix,
    private readonly fds: WasiFdTable,
    private readonly mem: () => LinearMemory,
  ) {}

  /** The socket at `fd`, or the WASI errno: ENOTSOCK for another descriptor, EBADF for a closed one. */
  sock(fd: number): RkSocket | number {
    const s = this.px.socketOf(fd);
    return typeof s === 'number' ? wasiErrno(s) : s;
  }
  /** The network, or null when the image has none (socket calls are then ENETDOWN). */
  net(): WasiNet | null {
    if (this.netCache === undefined) this.netCache = this.k.net?.() ?? null;
    return this.netCache;
  }

  /**
   * Gives `s` a descriptor of the process (O_NONBLOCK when `nonblock`), with a socket's rights.
   * @returns the fd, or a WASI errno as -errno (the socket is closed then).
   */
  install(s: RkSocket, nonblock = false): number {
    const fd = this.px.installSocket(s, nonblock);
    if (fd < 0) return -wasiErrno(fd);
    this.fds.set(fd, { rightsBase: A.RIGHTS_SOCKET, rightsInheriting: 0n });
    return fd;
  }

  /** The preopened sockets, in order after the preopened directories. @returns their fds. */
  async preopen(specs: readonly WasiListenSpec[]): Promise<number[]> {
    const out: number[] = [];
    for (const sp of specs) {
      const net = this.net();
      if (!net) throw new Error('libc.listen: the image has no network (add @runikraft/rknet)');
      const s = net.socket(L.AF_INET, sp.proto === 'tcp' ? L.SOCK_STREAM : L.SOCK_DGRAM, 0);
      if (typeof s === 'number') throw new Error(`libc.listen: socket: errno ${-s}`);
      s.setsockopt(1, 2, 1); // SO_REUSEADDR, so a restarted program binds at once
      let r = s.bind({ family: 2, addr: sp.addr, port: sp.port });
      if (r === 0 && sp.proto === 'tcp') r = s.listen(1024);
      if (r < 0) {
        await s.close();
        throw new Error(`libc.listen: ${sp.proto}:${sp.port}: errno ${-r}`);
      }
      const fd = this.install(s);
      if (fd < 0) throw new Error(`libc.listen: no descriptor: WASI errno ${-fd}`);
      out.push(fd);
    }
    return out;
  }

  // ---- preview1's socket calls -----------------------------------------------------------------

  private need(fd: number, right: bigint): RkSocket | number {
    const s = this.sock(fd);
    if (typeof s === 'number') return s;
    const inf = this.fds.known(fd);
    return inf && (inf.rightsBase & right) !== right ? E.NOTCAPABLE : s;
  }

  /**
   * preview1's sock_accept(fd, flags, *fd); WasmEdge's older two-argument form (fd, *fd) is the
   * same call without flags (the module's import type says which one it is).
   */
  sock_accept = async (fd: number, a: number, b?: number): Promise<number> => {
    const [flags, out] = b === undefined ? [0, a] : [a, b];
    const s = this.need(fd, A.rights('SOCK_ACCEPT'));
    if (typeof s === 'number') return s;
    if (flags & ~A.FDFLAG_NONBLOCK) return E.INVAL;
    this.mem().check(out, 4, 'fd');
    const c = await s.accept();
    if (typeof c === 'number') return wasiErrno(c);
    const nfd = this.install(c, (flags & A.FDFLAG_NONBLOCK) !== 0);
    if (nfd < 0) return -nfd;
    this.mem().setU32(out, nfd);
    return E.SUCCESS;
  };
  sock_recv = async (
    fd: number,
    iovs: number,
    n: number,
    riflags: number,
    outLen: number,
    outFlags: number,
  ): Promise<number> => {
    const s = this.need(fd, A.rights('FD_READ'));
    if (typeof s === 'number') return s;
    if (riflags & ~(A.RIFLAG_RECV_PEEK | A.RIFLAG_RECV_WAITALL)) return E.INVAL;
    const m = this.mem();
    checkRecvOut(m, outLen, outFlags);
    const r = await recvIovecs(s, m.iovecs(iovs, n), riflagsToMsg(riflags));
    return recvOut(m, r, outLen, outFlags);
  };
  sock_send = async (
    fd: number,
    iovs: number,
    n: number,
    _siflags: number,
    out: number,
  ): Promise<number> => {
    const s = this.need(fd, A.rights('FD_WRITE'));
    if (typeof s === 'number') return s;
    const m = this.mem();
    m.check(out, 4, 'so_datalen');
    return countOut(m, await sendIovecs(s, m.iovecs(iovs, n)), out);
  };
  sock_shutdown = (fd: number, how: number): number => {
    const s = this.need(fd, A.rights('SOCK_SHUTDOWN'));
    if (typeof s === 'number') return s;
    // preview1's sdflags: RD = 1, WR = 2; Linux's how: SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2.
    if (how < 1 || how > 3) return E.INVAL;
    return wasiErrno(s.shutdown(how - 1));
  };
}

// ---- what sock_recv/sock_send and the extension's recv_from/send_to share ------------------------

/**
 * Receives into the program's iovecs: a datagram arrives whole (received into one buffer, then
 * scattered), a stream gives what it has. `from` gets the source address (recvfrom).
 * @returns bytes or -errno (Linux's).
 */
export async function recvIovecs(
  s: RkSocket,
  bufs: Uint8Array[],
  flags: number,
  from?: { addr: number; port: number },
): Promise<number> {
  const live = bufs.filter((b) => b.length > 0);
  const one =
    live.length <= 1
      ? (live[0] ?? new Uint8Array(0))
      : new Uint8Array(live.reduce((k, b) => k + b.length, 0));
  const r = from ? await s.recvfrom(one, flags, from) : await s.recv(one, flags);
  if (r > 0 && live.length > 1) scatter(one.subarray(0, r), live);
  return r;
}

/** Sends the program's iovecs as one send (a datagram whole), to `to` when given. @returns bytes or -errno. */
export function sendIovecs(s: RkSocket, bufs: Uint8Array[], to?: RkSockAddrIn): Promise<number> {
  const live = bufs.filter((b) => b.length > 0);
  const data = live.length === 1 ? live[0]! : gather(live);
  return to ? s.sendto(data, L.MSG_NOSIGNAL, to) : s.send(data, L.MSG_NOSIGNAL);
}

/** The out-pointers of a receive, checked before it can consume data (a bad one is EFAULT). */
export function checkRecvOut(m: LinearMemory, outLen: number, outFlags: number): void {
  m.check(outLen, 4, 'ro_datalen');
  m.check(outFlags, 2, 'ro_flags');
}
/** A send's or receive's result for the program: the count at `out`, or its WASI errno. */
export function countOut(m: LinearMemory, r: number, out: number): number {
  if (r < 0) return wasiErrno(r);
  m.setU32(out, r);
  return E.SUCCESS;
}
/** A receive's result: the count at `outLen` and no ro_flags, or its WASI errno. */
export function recvOut(m: LinearMemory, r: number, outLen: number, outFlags: number): number {
  const e = countOut(m, r, outLen);
  if (e === E.SUCCESS) m.setU16(outFlags, 0);
  return e;
}

export function riflagsToMsg(riflags: number): number {
  return (
    (riflags & A.RIFLAG_RECV_PEEK ? L.MSG_PEEK : 0) |
    (riflags & A.RIFLAG_RECV_WAITALL ? L.MSG_WAITALL : 0)
  );
}

export function gather(bufs: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(bufs.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bufs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
export function scatter(src: Uint8Array, bufs: Uint8Array[]): void {
  let at = 0;
  for (const b of bufs) {
    if (at >= src.length) break;
    const n = Math.min(b.length, src.length - at);
    b.set(src.subarray(at, at + n));
    at += n;
  }
}
