// The descriptor table (Unikraft posix-fdtab): descriptors -> open files (struct uk_ofile: the file,
// its status flags, a reference count shared by dup'ed descriptors), close-on-exec per descriptor,
// lowest free descriptor first, dup/dup2/dup3 and fcntl with Linux semantics, RLIMIT_NOFILE.
import { Errno } from '@runikraft/errno';
import type { RkPosixFile } from './api';
import {
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  FD_CLOEXEC,
  O_APPEND,
  O_CLOEXEC,
  O_NONBLOCK,
} from './constants';

/** The status flags F_SETFL may change (Linux's SETFL_MASK minus O_DIRECT/O_NOATIME/FASYNC). */
const SETFL_MASK = O_APPEND | O_NONBLOCK;

/** An open file description: what dup'ed descriptors share (status flags, the file). */
export class RkOpenFile {
  /** Descriptors referring to it. */
  refs = 0;
  /**
   * Run when the last descriptor closes, before the file's release (epoll drops its items). Made
   * on first use: most files are never watched, and a Set per open is garbage on every open.
   */
  onLastClose: Set<() => void> | null = null;
  constructor(
    readonly file: RkPosixFile,
    /** open(2) status flags: access mode, O_APPEND, O_NONBLOCK (never O_CLOEXEC). */
    public flags: number,
  ) {}
}

/** The default RLIMIT_NOFILE (Linux's soft limit). */
export const RK_POSIX_NOFILE = 1024;

export class RkFdtab {
  private readonly files: (RkOpenFile | null)[] = [];
  private readonly cloexec: boolean[] = [];

  constructor(readonly limit = RK_POSIX_NOFILE) {}

  /** The open file at `fd`, or null. */
  get(fd: number): RkOpenFile | null {
    return (Number.isInteger(fd) && this.files[fd]) || null;
  }

  /**
   * Installs a new open file for `file` at the lowest free descriptor >= `min`.
   * @returns the descriptor, or -EMFILE (the file is then released: a failed open leaves nothing).
   */
  install(file: RkPosixFile, flags: number, cloexec = false, min = 0): number {
    const fd = this.installOpen(new RkOpenFile(file, flags & ~O_CLOEXEC), cloexec, min);
    if (fd < 0) void file.release();
    return fd;
  }

  /** Installs `of` (one more reference) at the lowest free descriptor >= `min`. @returns it, or -EMFILE. */
  installOpen(of: RkOpenFile, cloexec: boolean, min = 0): number {
    let fd = min;
    while (fd < this.files.length && this.files[fd]) fd++;
    if (fd >= this.limit) return -Errno.EMFILE;
    this.put(fd, of, cloexec);
    return fd;
  }

  /** Whether a descriptor is free (checked before a call's side effects, as Linux's open). */
  hasFree(): boolean {
    let fd = 0;
    while (fd < this.files.length && this.files[fd]) fd++;
    return fd < this.limit;
  }

  private put(fd: number, of: RkOpenFile, cloexec: boolean): void {
    while (this.files.length < fd) this.files.push(null);
    of.refs++;
    this.files[fd] = of;
    this.cloexec[fd] = cloexec;
  }

  /**
   * close(2). The descriptor is freed at once; the file is released when it was the last one.
   * @returns 0, -EBADF, or the file's release error (the descriptor is closed either way, as Linux).
   */
  close(fd: number): number | Promise<number> {
    const of = this.get(fd);
    if (!of) return -Errno.EBADF;
    this.files[fd] = null;
    return unref(of);
  }

  /** dup(2). @returns the new descriptor, -EBADF, -EMFILE. */
  dup(fd: number): number {
    const of = this.get(fd);
    return of ? this.installOpen(of, false) : -Errno.EBADF;
  }

  /** dup2(2): `newfd` refers to `oldfd`'s open file; what it held is closed. @returns newfd, -EBADF. */
  dup2(oldfd: number, newfd: number): number {
    if (oldfd === newfd) return this.get(oldfd) ? newfd : -Errno.EBADF;
    return this.dupTo(oldfd, newfd, false);
  }

  /** dup3(2). @returns newfd, -EBADF, -EINVAL (same fds, or flags other than O_CLOEXEC). */
  dup3(oldfd: number, newfd: number, flags: number): number {
    if (flags & ~O_CLOEXEC || oldfd === newfd) return -Errno.EINVAL;
    return this.dupTo(oldfd, newfd, (flags & O_CLOEXEC) !== 0);
  }

  private dupTo(oldfd: number, newfd: number, cloexec: boolean): number {
    const of = this.get(oldfd);
    if (!of) return -Errno.EBADF;
    if (!Number.isInteger(newfd) || newfd < 0 || newfd >= this.limit) return -Errno.EBADF;
    const old = this.files[newfd] ?? null;
    this.put(newfd, of, cloexec);
    // Errors from closing what newfd held are not reported, as Linux's dup2.
    if (old) void unref(old);
    return newfd;
  }

  /**
   * fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL.
   * @returns per command, or -EBADF, -EINVAL (unknown command, bad F_DUPFD minimum), -EMFILE.
   */
  fcntl(fd: number, cmd: number, arg = 0): number {
    const of = this.get(fd);
    if (!of) return -Errno.EBADF;
    switch (cmd) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC:
        if (!Number.isInteger(arg) || arg < 0 || arg >= this.limit) return -Errno.EINVAL;
        return this.installOpen(of, cmd === F_DUPFD_CLOEXEC, arg);
      case F_GETFD:
        return this.cloexec[fd] ? FD_CLOEXEC : 0;
      case F_SETFD:
        this.cloexec[fd] = (arg & FD_CLOEXEC) !== 0;
        return 0;
      case F_GETFL:
        return of.flags;
      case F_SETFL:
        of.flags = (of.flags & ~SETFL_MASK) | (arg & SETFL_MASK);
        of.file.setFlags?.(of.flags);
        return 0;
      default:
        return -Errno.EINVAL;
    }
  }

  /** Every open descriptor, lowest first. */
  *open(): Iterable<[number, RkOpenFile]> {
    for (let fd = 0; fd < this.files.length; fd++) {
      const of = this.files[fd];
      if (of) yield [fd, of];
    }
  }

  /** Closes every close-on-exec descriptor (what exec does). */
  async closeOnExec(): Promise<void> {
    for (const [fd] of [...this.open()]) if (this.cloexec[fd]) await this.close(fd);
  }

  /** Closes every descriptor (process exit). */
  async closeAll(): Promise<void> {
    for (const [fd] of [...this.open()]) await this.close(fd);
  }
}

/** Drops one reference; the last runs the close hooks and releases the file. */
function unref(of: RkOpenFile): number | Promise<number> {
  if (--of.refs > 0) return 0;
  const hooks = of.onLastClose;
  if (hooks) {
    of.onLastClose = null;
    for (const f of hooks) f();
  }
  return of.file.release();
}
