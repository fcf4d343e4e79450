// The descriptor calls preview1 lacks — pipes, duplicates, eventfds and epoll — as WASIX defines
// them (wasmer-wasix 0.70x, namespace `wasix_32v1`, WASI errno numbering), over the program's POSIX
// process (packages/posix), so a wasm program can create what its TypeScript neighbours already had:
//   fd_pipe(*read_fd, *write_fd)                  pipe(2): the read end, then the write end
//   fd_dup(fd, *fd)                                dup(2)
//   fd_dup2(fd, min_result_fd, cloexec u8, *fd)    fcntl(F_DUPFD[_CLOEXEC]): lowest free fd >= min
//   fd_event(initial u64, flags u16, *fd)          eventfd(2): flags 1 = EFD_SEMAPHORE
//   epoll_create(*fd)                              epoll_create1(0)
//   epoll_ctl(epfd, op, fd, *event)                op 0 ADD, 1 MOD, 2 DEL; event NULL (0) for DEL
//   epoll_wait(epfd, *events, maxevents i32, timeout u64 ns, *nevents)   u64::MAX waits forever
// epoll_event (32 bytes, align 8): events u32 @0 in WASIX's bits (1 IN, 2 OUT, 4 RDHUP, 8 PRI,
// 16 ERR, 32 HUP, 64 ET, 128 ONESHOT), data @8: 24 bytes kept as given at ADD/MOD and handed
// back unchanged with each event (WASIX's epoll_data: ptr u32 @8, fd u32 @12, data1 u32 @16,
// data2 u64 @24). Every out-pointer is checked before anything is created, so a bad pointer is
// EFAULT with no descriptor leaked. Blocking: only epoll_wait parks (rk build lists it for asyncify).
import {
  EFD_SEMAPHORE,
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_CTL_MOD,
  EPOLLERR,
  EPOLLET,
  EPOLLHUP,
  EPOLLIN,
  EPOLLONESHOT,
  EPOLLOUT,
  EPOLLPRI,
  EPOLLRDHUP,
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  type RkPosix,
} from '@runikraft/posix';
import * as A from './abi';
import { wasiErrno } from './errno';
import type { WasiFdTable } from './fds';
import type { LinearMemory } from './memory';

const E = A.WasiErrno;

/** WASIX's import namespace for wasm32. */
export const WASIX = 'wasix_32v1';

/** The WASIX calls libc-shim provides (in {@link WASIX}). */
export const WASIX_NAMES = [
  'fd_pipe',
  'fd_dup',
  'fd_dup2',
  'fd_event',
  'epoll_create',
  'epoll_ctl',
  'epoll_wait',
] as const;

/** The WASIX calls that can park the program (asyncify must instrument them). */
export const WASIX_BLOCKING = ['epoll_wait'] as const;

export const EPOLL_EVENT_SIZE = 32;
const DATA_SIZE = 24;
/** WASIX epoll bit → Linux's, in WASIX's bit order. */
const BITS: readonly (readonly [number, number])[] = [
  [1, EPOLLIN],
  [2, EPOLLOUT],
  [4, EPOLLRDHUP],
  [8, EPOLLPRI],
  [16, EPOLLERR],
  [32, EPOLLHUP],
  [64, EPOLLET],
  [128, EPOLLONESHOT],
];
const toLinux = (w: number): number => BITS.reduce((l, [x, y]) => (w & x ? l | y : l), 0);
const toWasix = (l: number): number => BITS.reduce((w, [x, y]) => (l & y ? w | x : w), 0);
const OPS = [EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL];
const FOREVER = 0xffff_ffff_ffff_ffffn;

export class WasiFdsExt {
  constructor(
    private readonly px: RkPosix,
    private readonly fds: WasiFdTable,
    private readonly mem: () => LinearMemory,
  ) {}

  /** Records `to` with `from`'s rights (a duplicate can do what the original could; never a preopen). */
  private copyRights(from: number, to: number): void {
    const inf = this.fds.known(from);
    this.fds.forget(to);
    if (inf)
      this.fds.set(to, { rightsBase: inf.rightsBase, rightsInheriting: inf.rightsInheriting });
  }

  fd_pipe = (outRead: number, outWrite: number): number => {
    const m = this.mem();
    m.check(outRead, 4, 'read fd');
    m.check(outWrite, 4, 'write fd');
    const p = this.px.pipe(0);
    if (typeof p === 'number') return wasiErrno(p);
    for (const fd of p) this.fds.forget(fd);
    m.setU32(outRead, p[0]);
    m.setU32(outWrite, p[1]);
    return E.SUCCESS;
  };

  fd_dup = (fd: number, out: number): number => {
    this.mem().check(out, 4, 'fd');
    const r = this.px.dup(fd);
    if (r < 0) return wasiErrno(r);
    this.copyRights(fd, r);
    this.mem().setU32(out, r);
    return E.SUCCESS;
  };

  fd_dup2 = (fd: number, min: number, cloexec: number, out: number): number => {
    this.mem().check(out, 4, 'fd');
    if (cloexec !== 0 && cloexec !== 1) return E.INVAL;
    // An fd above i32 (a u32 the program passed) is past any limit: EINVAL as fcntl's.
    const r = this.px.fcntl(fd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, min >>> 0);
    if (r < 0) return wasiErrno(r);
    this.copyRights(fd, r);
    this.mem().setU32(out, r);
    return E.SUCCESS;
  };

  fd_event = (initial: bigint, flags: number, out: number): number => {
    this.mem().check(out, 4, 'fd');
    if (flags & ~1) return E.INVAL;
    const r = this.px.eventfd(BigInt.asUintN(64, initial), flags & 1 ? EFD_SEMAPHORE : 0);
    if (r < 0) return wasiErrno(r);
    this.fds.forget(r);
    this.mem().setU32(out, r);
    return E.SUCCESS;
  };

  epoll_create = (out: number): number => {
    this.mem().check(out, 4, 'fd');
    const r = this.px.epollCreate(0);
    if (r < 0) return wasiErrno(r);
    this.fds.forget(r);
    this.mem().setU32(out, r);
    return E.SUCCESS;
  };

  epoll_ctl = (epfd: number, op: number, fd: number, event: number): number => {
    const lop = OPS[op];
    if (lop === undefined) return E.INVAL;
    let ev: { events: number; data: Uint8Array } | null = null;
    if (event !== 0) {
      const b = this.mem().bytes(event, EPOLL_EVENT_SIZE, 'epoll_event');
      const events = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
      ev = { events: toLinux(events), data: b.slice(8, 8 + DATA_SIZE) };
    } else if (lop !== EPOLL_CTL_DEL) return E.FAULT;
    return wasiErrno(this.px.epollCtl(epfd, lop, fd, ev));
  };

  epoll_wait = async (
    epfd: number,
    events: number,
    maxevents: number,
    timeout: bigint,
    nout: number,
  ): Promise<number> => {
    const m = this.mem();
    m.check(nout, 4, 'nevents');
    // Linux: maxevents <= 0 or more than fit in INT_MAX bytes is EINVAL, checked before waiting.
    if (maxevents <= 0 || maxevents > Math.floor(0x7fff_ffff / EPOLL_EVENT_SIZE)) return E.INVAL;
    m.check(events, maxevents * EPOLL_EVENT_SIZE, 'epoll_event array');
    const t = BigInt.asUintN(64, timeout);
    const ns = t === FOREVER ? -1 : Number(t > BigInt(Number.MAX_SAFE_INTEGER) ? -1n : t);
    const got = await this.px.epollWait(epfd, maxevents, ns);
    if (typeof got === 'number') return wasiErrno(got);
    // The memory may have grown while the program was parked: look it up again.
    const mm = this.mem();
    got.forEach((e, i) => {
      const o = events + i * EPOLL_EVENT_SIZE;
      mm.u8.fill(0, o, o + 8);
      mm.setU32(o, toWasix(e.events));
      mm.u8.set(e.data as Uint8Array, o + 8);
    });
    mm.setU32(nout, got.length);
    return E.SUCCESS;
  };
}
