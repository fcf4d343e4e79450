// Socket descriptors for wasm programs: preview1's four socket calls (sock_accept, sock_recv,
// sock_send, sock_shutdown), what the fd_* calls do on a socket (read, write, close, fdstat, poll),
// and preopened listeners (wasmtime's --tcplisten convention). The socket calls preview1 lacks are
// the WasmEdge extension in sockets-ext.ts, over the same table.
//
// A socket fd is a number vfscore handed out: each socket holds one vfscore descriptor (of "/",
// never used for I/O) so file and socket numbers can never collide while vfscore owns the table.
// packages/posix's unified table will replace that reservation; the socket object behind it is
// rknet's RkSocket (RkPollable for readiness), which that table can hold as it is.
import type { RkSocket } from '@runikraft/rknet';
import * as V from '@runikraft/vfscore';
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

/** A socket's readiness as a preview1 poll event for `tag`, or null when not ready. */
function readiness(s: RkSocket, tag: number): { nbytes: bigint; flags: number } | null {
  const ev = s.pollEvents();
  const hup = ev & (L.POLLHUP | L.POLLRDHUP) ? A.EVENT_FD_READWRITE_HANGUP : 0;
  const want = tag === A.EVENTTYPE_FD_READ ? L.POLLIN : L.POLLOUT;
  if (ev & (want | L.POLLERR | L.POLLHUP)) return { nbytes: 0n, flags: hup };
  return null;
}

export interface PollEvent {
  ud: bigint;
  err: number;
  type: number;
  nbytes: bigint;
  flags?: number;
}

export class WasiSockets {
  private readonly socks = new Map<number, RkSocket>();
  private netCache: WasiNet | null | undefined;
  /** Socket subscriptions of the poll_oneoff call in progress that were not ready. */
  private pending: { s: RkSocket; tag: number; ud: bigint }[] = [];

  constructor(
    private readonly k: WasiKernel,
    private readonly fds: WasiFdTable,
    private readonly mem: () => LinearMemory,
  ) {}

  /** The socket behind `fd`, if it is one. */
  get(fd: number): RkSocket | undefined {
    return this.socks.get(fd);
  }
  has(fd: number): boolean {
    return this.socks.has(fd);
  }
  /** The network, or null when the image has none (socket calls are then ENOSYS... as ENETDOWN). */
  net(): WasiNet | null {
    if (this.netCache === undefined) this.netCache = this.k.net?.() ?? null;
    return this.netCache;
  }

  /** Gives `s` a descriptor. @returns the fd, or a WASI errno as -errno. */
  async install(s: RkSocket): Promise<number> {
    const fd = await this.k.vfs.open('/', V.O_RDONLY | V.O_DIRECTORY | V.O_CLOEXEC);
    if (fd < 0) {
      await s.close();
      return -wasiErrno(fd);
    }
    this.socks.set(fd, s);
    this.fds.set(fd, { rightsBase: A.RIGHTS_SOCKET, rightsInheriting: 0n });
    return fd;
  }

  async close(fd: number): Promise<number> {
    const s = this.socks.get(fd)!;
    this.socks.delete(fd);
    this.fds.forget(fd);
    const r = await s.close();
    await this.k.vfs.close(fd);
    return wasiErrno(r);
  }

  /** At exit: every socket the program left open is closed, as a process exit does. */
  async closeAll(): Promise<void> {
    for (const fd of [...this.socks.keys()]) await this.close(fd);
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
      const fd = await this.install(s);
      if (fd < 0) throw new Error(`libc.listen: no descriptor: WASI errno ${-fd}`);
      out.push(fd);
    }
    return out;
  }

  // ---- the fd_* calls on a socket ------------------------------------------------------------

  fdstat(fd: number, out: number): number {
    const s = this.socks.get(fd)!;
    const inf = this.fds.known(fd);
    const m = this.mem();
    m.check(out, A.FDSTAT_SIZE, 'fdstat');
    m.u8.fill(0, out, out + A.FDSTAT_SIZE);
    m.setU8(out, s.type === L.SOCK_STREAM ? A.Filetype.SOCKET_STREAM : A.Filetype.SOCKET_DGRAM);
    m.setU16(out + 2, s.nonBlocking ? A.FDFLAG_NONBLOCK : 0);
    m.setU64(out + 8, inf?.rightsBase ?? A.RIGHTS_SOCKET);
    m.setU64(out + 16, inf?.rightsInheriting ?? 0n);
    return E.SUCCESS;
  }
  setFlags(fd: number, flags: number): number {
    if (flags & ~A.FDFLAG_NONBLOCK) return E.NOTSUP;
    this.socks.get(fd)!.setNonBlocking((flags & A.FDFLAG_NONBLOCK) !== 0);
    return E.SUCCESS;
  }
  filestat(fd: number, out: number): number {
    const s = this.socks.get(fd)!;
    const m = this.mem();
    m.check(out, A.FILESTAT_SIZE, 'filestat');
    m.u8.fill(0, out, out + A.FILESTAT_SIZE);
    m.setU8(
      out + 16,
      s.type === L.SOCK_STREAM ? A.Filetype.SOCKET_STREAM : A.Filetype.SOCKET_DGRAM,
    );
    m.setU64(out + 24, 1);
    return E.SUCCESS;
  }

  /** Receives into the iovecs (one datagram, or what a stream has). @returns bytes or -errno. */
  async recvInto(s: RkSocket, bufs: Uint8Array[], flags: number): Promise<number> {
    const live = bufs.filter((b) => b.length > 0);
    if (live.length <= 1) return s.recv(live[0] ?? new Uint8Array(0), flags);
    // A datagram must arrive whole: receive into one buffer, then scatter.
    const tmp = new Uint8Array(live.reduce((n, b) => n + b.length, 0));
    const r = await s.recv(tmp, flags);
    if (r > 0) scatter(tmp.subarray(0, r), live);
    return r;
  }
  /** Sends the iovecs as one send. @returns bytes or -errno. */
  sendFrom(s: RkSocket, bufs: Uint8Array[], flags: number): Promise<number> {
    const live = bufs.filter((b) => b.length > 0);
    return s.send(live.length === 1 ? live[0]! : gather(live), flags | L.MSG_NOSIGNAL);
  }

  async fdRead(fd: number, iovs: number, n: number, out: number): Promise<number> {
    const r = await this.recvInto(this.socks.get(fd)!, this.mem().iovecs(iovs, n), 0);
    if (r < 0) return wasiErrno(r);
    this.mem().setU32(out, r);
    return E.SUCCESS;
  }
  async fdWrite(fd: number, iovs: number, n: number, out: number): Promise<number> {
    const r = await this.sendFrom(this.socks.get(fd)!, this.mem().iovecs(iovs, n), 0);
    if (r < 0) return wasiErrno(r);
    this.mem().setU32(out, r);
    return E.SUCCESS;
  }

  // ---- poll_oneoff on sockets ----------------------------------------------------------------

  /** A socket subscription: its event now, or null (remembered for {@link waitPending}). */
  pollFd(fd: number, tag: number, ud: bigint): PollEvent | null {
    const s = this.socks.get(fd)!;
    const r = readiness(s, tag);
    if (r) return { ud, err: 0, type: tag, nbytes: r.nbytes, flags: r.flags };
    this.pending.push({ s, tag, ud });
    return null;
  }
  /** Parks until a pending socket subscription is ready or `timeoutNs` passed (null: no limit). */
  async waitPending(timeoutNs: number | null): Promise<PollEvent[]> {
    const subs = this.pending;
    this.pending = [];
    if (subs.length === 0) return [];
    const events = (): PollEvent[] =>
      subs.flatMap(({ s, tag, ud }) => {
        const r = readiness(s, tag);
        return r ? [{ ud, err: 0, type: tag, nbytes: r.nbytes, flags: r.flags }] : [];
      });
    if (timeoutNs !== null && timeoutNs <= 0) return events();
    const wq = this.net()!.waitQueue();
    const unwatch = subs.map(({ s }) => s.watch(() => wq.wakeAll()));
    try {
      await wq.waitEvent(() => events().length > 0, timeoutNs ?? undefined);
    } finally {
      for (const u of unwatch) u();
    }
    return events();
  }
  /** Forgets pending subscriptions (poll_oneoff answered without waiting). */
  dropPending(): void {
    this.pending = [];
  }

  // ---- preview1's socket calls -----------------------------------------------------------------

  /** ENOTSOCK for an open descriptor that is not a socket, EBADF for a closed one. */
  notSock(fd: number): number {
    return this.k.vfs.fcntl(fd, V.F_GETFL) < 0 ? E.BADF : E.NOTSOCK;
  }
  private need(fd: number, right: bigint): RkSocket | number {
    const s = this.socks.get(fd);
    if (!s) return this.notSock(fd);
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
    if (flags & A.FDFLAG_NONBLOCK) c.setNonBlocking(true);
    const nfd = await this.install(c);
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
    m.check(outLen, 4, 'ro_datalen');
    m.check(outFlags, 2, 'ro_flags');
    const r = await this.recvInto(s, m.iovecs(iovs, n), riflagsToMsg(riflags));
    if (r < 0) return wasiErrno(r);
    m.setU32(outLen, r);
    m.setU16(outFlags, 0);
    return E.SUCCESS;
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
    const r = await this.sendFrom(s, m.iovecs(iovs, n), 0);
    if (r < 0) return wasiErrno(r);
    m.setU32(out, r);
    return E.SUCCESS;
  };
  sock_shutdown = (fd: number, how: number): number => {
    const s = this.need(fd, A.rights('SOCK_SHUTDOWN'));
    if (typeof s === 'number') return s;
    // preview1's sdflags: RD = 1, WR = 2; Linux's how: SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2.
    if (how < 1 || how > 3) return E.INVAL;
    return wasiErrno(s.shutdown(how - 1));
  };
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
