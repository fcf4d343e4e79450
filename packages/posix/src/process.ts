// RkPosix: one POSIX process (Unikraft posix-process with posix-fdtab, -pipe, -poll, -event,
// -socket, -time, -sysinfo): its descriptor table, threads, environment, argv and identity, and
// the calls on them. Error convention (README "Errors"): results or -errno, never a throw for a
// POSIX condition. File-system calls that take no descriptor (chdir, mkdir...) stay vfscore's.
import { Errno } from '@runikraft/errno';
import type { RkNetStack } from '@runikraft/rknet';
import type { RkSched } from '@runikraft/rksched';
import type { RkDirent, RkFsResult, RkStat, RkUtimes, RkVfs } from '@runikraft/vfscore';
import type { RkEpollEvent, RkPollFd, RkPthread, RkUtsname } from './api';
import {
  AT_FDCWD,
  EFD_CLOEXEC,
  EFD_NONBLOCK,
  EFD_SEMAPHORE,
  EPOLL_CLOEXEC,
  GRND_NONBLOCK,
  GRND_RANDOM,
  O_CLOEXEC,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_WRONLY,
  PTHREAD_MUTEX_ERRORCHECK,
  PTHREAD_MUTEX_NORMAL,
  PTHREAD_MUTEX_RECURSIVE,
} from './constants';
import { RkEpoll } from './epoll';
import { EVENTFD_MAX, RkEventFd } from './eventfd';
import { RkFdtab } from './fdtab';
import { RkPosixFiles } from './files';
import * as io from './io';
import { createPipe } from './pipe';
import { poll, type RkSelectSets, select } from './poll';
import { RkPthreads } from './pthread';
import { RkPosixSocketFile } from './socket';
import {
  isSleepClock,
  type RkClockNs,
  RkPthreadCond,
  RkPthreadMutex,
  RkPthreadRwlock,
  type RkTimespec,
  untilNs,
} from './sync';

/** SOCK_CLOEXEC (= O_CLOEXEC) and SOCK_NONBLOCK (= O_NONBLOCK) in socket()'s type. */
const SOCK_CLOEXEC = O_CLOEXEC;
const SOCK_NONBLOCK = O_NONBLOCK;
/** clock_nanosleep's TIMER_ABSTIME. */
export const TIMER_ABSTIME = 1;

export interface RkPosixOptions {
  sched: RkSched;
  /** The clocks (rktime's `clocks.nowNs`): ns on CLOCK_REALTIME (0), CLOCK_MONOTONIC (1), ... or -EINVAL. */
  clockNs: RkClockNs;
  /** vfscore for files; null for a process without a file system (pipes and sockets only). */
  vfs?: RkVfs | null;
  /** getrandom's source (rkswrand). */
  random?: { getrandom(buf: Uint8Array, flags?: number): number } | null;
  /** The network stack for socket(), looked up when first needed. */
  net?: () => RkNetStack | null;
  argv?: readonly string[];
  /** The environment, as NAME=value strings. */
  env?: readonly string[];
  pid?: number;
  ppid?: number;
  uname?: Partial<RkUtsname>;
  /** RLIMIT_NOFILE. */
  nofile?: number;
}

export class RkPosix {
  readonly fdtab: RkFdtab;
  /** The path and attribute calls on descriptors (openat, fstatat, ftruncate, ...). */
  readonly files: RkPosixFiles;
  readonly threads: RkPthreads;
  readonly sched: RkSched;
  readonly argv: readonly string[];
  readonly pid: number;
  readonly ppid: number;
  private readonly env = new Map<string, string>();
  private readonly o: RkPosixOptions;
  private mask = 0o022;

  constructor(o: RkPosixOptions) {
    this.o = o;
    this.sched = o.sched;
    this.fdtab = new RkFdtab(o.nofile);
    this.files = new RkPosixFiles(o.vfs ?? null, this.fdtab);
    this.threads = new RkPthreads(o.sched);
    this.argv = [...(o.argv ?? [])];
    this.pid = o.pid ?? 1;
    this.ppid = o.ppid ?? 0;
    for (const kv of o.env ?? []) this.putenv(kv);
  }

  private readonly wq = () => this.sched.waitQueue();

  // ---- descriptors ----------------------------------------------------------------------------

  /** open(2) relative to the working directory. @returns the descriptor, or -errno (see openat). */
  open(path: string, flags: number, mode = 0o666): RkFsResult<number> {
    return this.files.openat(AT_FDCWD, path, flags, mode);
  }
  openat(dirfd: number, path: string, flags: number, mode = 0o666): RkFsResult<number> {
    return this.files.openat(dirfd, path, flags, mode);
  }
  /** close(2). @returns 0, -EBADF, or the file's release error (closed either way). */
  close(fd: number): RkFsResult<number> {
    return this.fdtab.close(fd);
  }
  // The data calls return the result itself when nothing had to wait (vfscore's sync fast path,
  // which spares a wasm caller a suspension), else a promise of it.
  read(fd: number, buf: Uint8Array): RkFsResult<number> {
    return io.read(this.fdtab, fd, buf);
  }
  write(fd: number, buf: Uint8Array): RkFsResult<number> {
    return io.write(this.fdtab, fd, buf);
  }
  readv(fd: number, bufs: readonly Uint8Array[]): RkFsResult<number> {
    return io.readv(this.fdtab, fd, bufs);
  }
  writev(fd: number, bufs: readonly Uint8Array[]): RkFsResult<number> {
    return io.writev(this.fdtab, fd, bufs);
  }
  pread(fd: number, buf: Uint8Array, off: number): RkFsResult<number> {
    return io.pread(this.fdtab, fd, buf, off);
  }
  pwrite(fd: number, buf: Uint8Array, off: number): RkFsResult<number> {
    return io.pwrite(this.fdtab, fd, buf, off);
  }
  lseek(fd: number, off: number, whence: number): RkFsResult<number> {
    return io.lseek(this.fdtab, fd, off, whence);
  }
  fstat(fd: number): RkFsResult<RkStat | number> {
    return io.fstat(this.fdtab, fd);
  }
  // The *at() and attribute calls, on this process's descriptors (files.ts).
  fstatat(dirfd: number, path: string, flags: number): RkFsResult<RkStat | number> {
    return this.files.fstatat(dirfd, path, flags);
  }
  mkdirat(dirfd: number, path: string, mode: number): RkFsResult<number> {
    return this.files.mkdirat(dirfd, path, mode);
  }
  unlinkat(dirfd: number, path: string, flags: number): RkFsResult<number> {
    return this.files.unlinkat(dirfd, path, flags);
  }
  renameat2(od: number, op: string, nd: number, np: string, flags: number): RkFsResult<number> {
    return this.files.renameat2(od, op, nd, np, flags);
  }
  linkat(od: number, op: string, nd: number, np: string, flags: number): RkFsResult<number> {
    return this.files.linkat(od, op, nd, np, flags);
  }
  symlinkat(target: string, dirfd: number, linkpath: string): RkFsResult<number> {
    return this.files.symlinkat(target, dirfd, linkpath);
  }
  readlinkat(dirfd: number, path: string): RkFsResult<string | number> {
    return this.files.readlinkat(dirfd, path);
  }
  utimensat(
    dirfd: number,
    path: string | null,
    times: RkUtimes,
    flags: number,
  ): RkFsResult<number> {
    return this.files.utimensat(dirfd, path, times, flags);
  }
  futimens(fd: number, times: RkUtimes): RkFsResult<number> {
    return this.files.futimens(fd, times);
  }
  ftruncate(fd: number, length: number): RkFsResult<number> {
    return this.files.ftruncate(fd, length);
  }
  fsync(fd: number): RkFsResult<number> {
    return this.files.fsync(fd);
  }
  fdatasync(fd: number): RkFsResult<number> {
    return this.files.fdatasync(fd);
  }
  readdir(fd: number): RkFsResult<RkDirent[] | number> {
    return this.files.readdir(fd);
  }
  dup(fd: number): number {
    return this.fdtab.dup(fd);
  }
  dup2(oldfd: number, newfd: number): number {
    return this.fdtab.dup2(oldfd, newfd);
  }
  dup3(oldfd: number, newfd: number, flags: number): number {
    return this.fdtab.dup3(oldfd, newfd, flags);
  }
  fcntl(fd: number, cmd: number, arg = 0): number {
    return this.fdtab.fcntl(fd, cmd, arg);
  }

  /**
   * pipe2(2): `[read end, write end]`. `flags`: O_NONBLOCK, O_CLOEXEC.
   * @returns the two descriptors, or -EINVAL (other flags), -EMFILE.
   */
  pipe(flags = 0): [number, number] | number {
    if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return -Errno.EINVAL;
    const [r, w] = createPipe(this.wq);
    const cloexec = (flags & O_CLOEXEC) !== 0;
    const nb = flags & O_NONBLOCK;
    const rfd = this.fdtab.install(r, O_RDONLY | nb, cloexec);
    if (rfd < 0) {
      void w.release();
      return rfd;
    }
    const wfd = this.fdtab.install(w, O_WRONLY | nb, cloexec);
    if (wfd < 0) {
      void this.fdtab.close(rfd);
      return wfd;
    }
    return [rfd, wfd];
  }

  /** eventfd2(2). @returns the descriptor, -EINVAL (flags, or a negative/huge initial value), -EMFILE. */
  eventfd(initval: number | bigint, flags = 0): number {
    if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)) return -Errno.EINVAL;
    const v = BigInt(initval);
    if (v < 0n || v > EVENTFD_MAX) return -Errno.EINVAL;
    const f = new RkEventFd(this.wq, v, (flags & EFD_SEMAPHORE) !== 0);
    return this.fdtab.install(f, O_RDWR | (flags & EFD_NONBLOCK), (flags & EFD_CLOEXEC) !== 0);
  }

  /**
   * socket(2) over rknet: `type` may carry SOCK_NONBLOCK and SOCK_CLOEXEC.
   * @returns the descriptor, -EAFNOSUPPORT (no network stack composed, or not AF_INET),
   * -EPROTOTYPE, -EPROTONOSUPPORT, -EMFILE.
   */
  socket(domain: number, type: number, protocol = 0): number {
    const net = this.o.net?.() ?? null;
    if (!net) return -Errno.EAFNOSUPPORT;
    if (!this.fdtab.hasFree()) return -Errno.EMFILE;
    const s = net.socket(domain, type & ~SOCK_CLOEXEC, protocol);
    if (typeof s === 'number') return s;
    return this.installSocket(s, (type & SOCK_NONBLOCK) !== 0, (type & SOCK_CLOEXEC) !== 0);
  }

  /** Installs an rknet socket (a socket() or accept() result) as a descriptor. @returns it, or -EMFILE. */
  installSocket(s: RkPosixSocketFile['sock'], nonblock: boolean, cloexec = false): number {
    if (nonblock) s.setNonBlocking(true);
    return this.fdtab.install(
      new RkPosixSocketFile(s),
      O_RDWR | (nonblock ? O_NONBLOCK : 0),
      cloexec,
    );
  }

  /** The socket at `fd`. @returns it, -EBADF, or -ENOTSOCK. */
  socketOf(fd: number): RkPosixSocketFile['sock'] | number {
    const of = this.fdtab.get(fd);
    if (!of) return -Errno.EBADF;
    return of.file instanceof RkPosixSocketFile ? of.file.sock : -Errno.ENOTSOCK;
  }

  // ---- readiness ------------------------------------------------------------------------------

  /** poll(2), `timeoutNs` negative = forever. See poll.ts. Parks the caller unless 0. */
  poll(fds: RkPollFd[], timeoutNs: number): Promise<number> {
    return poll(this.sched, this.fdtab, fds, timeoutNs);
  }
  /** select(2) on sets of descriptors. See poll.ts. */
  select(nfds: number, sets: RkSelectSets, timeoutNs: number): Promise<number> {
    return select(this.sched, this.fdtab, nfds, sets, timeoutNs);
  }
  /** epoll_create1(2). @returns the descriptor, -EINVAL (flags other than EPOLL_CLOEXEC), -EMFILE. */
  epollCreate(flags = 0): number {
    if (flags & ~EPOLL_CLOEXEC) return -Errno.EINVAL;
    return this.fdtab.install(new RkEpoll(this.sched), O_RDWR, (flags & EPOLL_CLOEXEC) !== 0);
  }
  private epoll(epfd: number): RkEpoll | number {
    const of = this.fdtab.get(epfd);
    if (!of) return -Errno.EBADF;
    return of.file instanceof RkEpoll ? of.file : -Errno.EINVAL;
  }
  /** epoll_ctl(2). @returns 0, -EBADF (either fd), -EINVAL (epfd not an epoll), or RkEpoll.ctl's errors. */
  epollCtl(epfd: number, op: number, fd: number, ev: RkEpollEvent | null): number {
    const ep = this.epoll(epfd);
    if (typeof ep === 'number') return ep;
    const of = this.fdtab.get(fd);
    if (!of) return -Errno.EBADF;
    return ep.ctl(op, fd, of, ev);
  }
  /** epoll_wait(2), `timeoutNs` negative = forever. @returns the events, or -errno. Parks the caller unless 0. */
  async epollWait(
    epfd: number,
    maxevents: number,
    timeoutNs: number,
  ): Promise<RkEpollEvent[] | number> {
    const ep = this.epoll(epfd);
    return typeof ep === 'number' ? ep : ep.wait(maxevents, timeoutNs);
  }

  // ---- threads and synchronization ------------------------------------------------------------

  /** pthread_create. @returns the thread, -EAGAIN, -EINVAL. */
  pthreadCreate(
    start: (arg: unknown) => unknown,
    arg?: unknown,
    attr?: { detached?: boolean; name?: string },
  ): RkPthread | number {
    return this.threads.create(start, arg, attr);
  }
  /** pthread_mutex_init. @returns the mutex, or -EINVAL (unknown type). */
  mutex(type = PTHREAD_MUTEX_NORMAL): RkPthreadMutex | number {
    if (
      type !== PTHREAD_MUTEX_NORMAL &&
      type !== PTHREAD_MUTEX_RECURSIVE &&
      type !== PTHREAD_MUTEX_ERRORCHECK
    )
      return -Errno.EINVAL;
    return new RkPthreadMutex(this.sched, this.o.clockNs, type);
  }
  /** pthread_cond_init with the clock of pthread_condattr_setclock. @returns it, or -EINVAL (clock). */
  cond(clockId = 0): RkPthreadCond | number {
    if (!isSleepClock(clockId)) return -Errno.EINVAL;
    return new RkPthreadCond(this.sched, this.o.clockNs, clockId);
  }
  /** pthread_rwlock_init. */
  rwlock(): RkPthreadRwlock {
    return new RkPthreadRwlock(this.sched, this.o.clockNs);
  }

  // ---- time -----------------------------------------------------------------------------------

  /** clock_gettime(2). @returns the time, or -EINVAL (unknown clock). */
  clockGettime(id: number): RkTimespec | number {
    const ns = Number.isInteger(id) ? this.o.clockNs(id) : -Errno.EINVAL;
    if (ns < 0) return -Errno.EINVAL;
    return { sec: Math.floor(ns / 1e9), nsec: Math.floor(ns % 1e9) };
  }

  /**
   * clock_nanosleep(2) on CLOCK_REALTIME or CLOCK_MONOTONIC, relative or TIMER_ABSTIME. On an
   * interrupted relative sleep `rem` gets the time left. @returns 0, -EINTR, -EINVAL. Parks the caller.
   */
  async clockNanosleep(
    id: number,
    flags: number,
    req: RkTimespec,
    rem?: { sec: number; nsec: number },
  ): Promise<number> {
    if (!isSleepClock(id)) return -Errno.EINVAL;
    const abs = (flags & TIMER_ABSTIME) !== 0;
    const rel = abs ? untilNs(this.o.clockNs, id, req) : untilNs(() => 0, id, req);
    if (Number.isNaN(rel)) return -Errno.EINVAL;
    const end = this.sched.now() + Math.max(0, rel);
    const r = await this.sched.sleepUntil(end);
    if (r < 0 && rem && !abs) {
      const left = Math.max(0, end - this.sched.now());
      rem.sec = Math.floor(left / 1e9);
      rem.nsec = left % 1e9;
    }
    return r;
  }
  /** nanosleep(2): clock_nanosleep on CLOCK_MONOTONIC, relative. */
  nanosleep(req: RkTimespec, rem?: { sec: number; nsec: number }): Promise<number> {
    return this.clockNanosleep(1, 0, req, rem);
  }

  // ---- identity, environment, randomness ------------------------------------------------------

  getpid(): number {
    return this.pid;
  }
  getppid(): number {
    return this.ppid;
  }
  /** gettid(2): the calling thread's id. */
  gettid(): number {
    return this.sched.current().id;
  }
  /** getuid/geteuid/getgid/getegid: the single user of a unikernel is root. */
  getuid(): number {
    return 0;
  }
  getgid(): number {
    return 0;
  }

  /** uname(2). */
  uname(): RkUtsname {
    return {
      sysname: 'Runikraft',
      nodename: 'runikraft',
      release: '0.1.0',
      version: '#1',
      machine: 'riscv64',
      domainname: '(none)',
      ...this.o.uname,
    };
  }

  /** getrandom(2). @returns bytes filled, -EINVAL (flags), -EAGAIN (not yet seeded with GRND_NONBLOCK), -ENOSYS (no source). */
  getrandom(buf: Uint8Array, flags = 0): number {
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM)) return -Errno.EINVAL;
    if (!this.o.random) return -Errno.ENOSYS;
    return this.o.random.getrandom(buf, flags);
  }

  /** getenv(3): the value, or undefined. */
  getenv(name: string): string | undefined {
    return this.env.get(name);
  }
  /** setenv(3). @returns 0, -EINVAL (empty name or one containing '='). */
  setenv(name: string, value: string, overwrite = true): number {
    if (name === '' || name.includes('=')) return -Errno.EINVAL;
    if (overwrite || !this.env.has(name)) this.env.set(name, value);
    return 0;
  }
  /** unsetenv(3). @returns 0, -EINVAL. */
  unsetenv(name: string): number {
    if (name === '' || name.includes('=')) return -Errno.EINVAL;
    this.env.delete(name);
    return 0;
  }
  /** putenv(3) of a NAME=value string. @returns 0, -EINVAL (no '=' or empty name). */
  putenv(kv: string): number {
    const i = kv.indexOf('=');
    if (i <= 0) return -Errno.EINVAL;
    this.env.set(kv.slice(0, i), kv.slice(i + 1));
    return 0;
  }
  /** The environment as NAME=value strings (environ), in insertion order. */
  environ(): string[] {
    return [...this.env].map(([k, v]) => `${k}=${v}`);
  }

  /** umask(2): sets the file mode creation mask. @returns the previous one. */
  umask(mask: number): number {
    const old = this.mask;
    this.mask = mask & 0o777;
    (this.o.vfs as { umask?(m: number): number } | null | undefined)?.umask?.(this.mask);
    return old;
  }
  /** getcwd(3): the working directory (vfscore's, shared by the image's processes). */
  getcwd(): string {
    return this.o.vfs?.getcwd() ?? '/';
  }
  /** chdir(2). @returns 0 or vfscore's -errno. */
  chdir(path: string): Promise<number> {
    return this.o.vfs ? this.o.vfs.chdir(path) : Promise.resolve(-Errno.ENOSYS);
  }

  /** Process exit: closes every descriptor. */
  exit(): Promise<void> {
    return this.fdtab.closeAll();
  }
}
