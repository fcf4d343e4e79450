// The vfscore API: what apps and libc layers call (Unikraft's vfscore syscalls: sys_open, sys_read...).
// Convention: every call returns a Promise (a call into a driver that waits parks the thread) of a
// number — >= 0 success, -errno failure — or of an object for calls that return one (stat, readlink)
// with -errno numbers for failure. Nothing throws for a file-system condition. The data and stat
// calls (read/write and their positional and vectored forms, lseek, fsync, the stat family) and the
// calls a program makes around them (open, close, mkdir, unlink/rmdir, utimensat, rename, link,
// symlink, readlink, getdents64/readdir) return their result directly when no driver had to wait
// (RkFsResult; `await` takes both), so a libc layer can answer them without suspending the program.
import type { RkFsResult, RkFsStatfs, RkFsTime, RkFsType } from './driver';

/** struct stat (statx-like: times with nanoseconds). `dev` numbers the mount. */
export interface RkStat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atime: RkFsTime;
  mtime: RkFsTime;
  ctime: RkFsTime;
}

export type RkStatfs = RkFsStatfs;

/** One directory entry as getdents64 reports it. */
export interface RkDirent {
  ino: number;
  /** The position after this entry (d_off), for lseek on the directory. */
  off: number;
  type: number;
  name: string;
}

/** utimensat's times: `UTIME_NOW`/`UTIME_OMIT` in nsec as Linux, or null for "both now". */
export type RkUtimes = readonly [RkFsTime, RkFsTime] | null;

/** One line of the mount table (/proc/mounts). */
export interface RkMountInfo {
  source: string;
  target: string;
  type: string;
  options: string;
  readonly: boolean;
}

/** The file calls (RkApiRegistry `vfscore`). Paths are strings; byte counts are UTF-8. */
export interface RkVfs {
  /** Registers a file-system type for mount() and fstab. Throws on a duplicate name (a composition error). */
  registerFsType(type: RkFsType): void;
  /**
   * mount(2): mounts `type` from `source` on the directory `target` (the first mount is "/").
   * @returns 0, or -ENODEV (unknown type), -ENOENT/-ENOTDIR (target), -EBUSY (already a mount
   * point), or the driver's -errno.
   */
  mount(
    source: string,
    target: string,
    type: string,
    flags?: number,
    options?: string,
  ): Promise<number>;
  /** umount(2). @returns 0, or -EINVAL (not a mount point), -EBUSY (open files, mounts below, cwd). */
  umount(target: string): Promise<number>;
  /** The mount table in mount order. */
  mounts(): RkMountInfo[];

  open(path: string, flags: number, mode?: number): RkFsResult<number>;
  openat(dirfd: number, path: string, flags: number, mode?: number): RkFsResult<number>;
  creat(path: string, mode: number): RkFsResult<number>;
  close(fd: number): RkFsResult<number>;
  read(fd: number, buf: Uint8Array): RkFsResult<number>;
  write(fd: number, buf: Uint8Array): RkFsResult<number>;
  pread(fd: number, buf: Uint8Array, offset: number): RkFsResult<number>;
  pwrite(fd: number, buf: Uint8Array, offset: number): RkFsResult<number>;
  readv(fd: number, bufs: readonly Uint8Array[]): RkFsResult<number>;
  writev(fd: number, bufs: readonly Uint8Array[]): RkFsResult<number>;
  lseek(fd: number, offset: number, whence: number): RkFsResult<number>;
  fstat(fd: number): RkFsResult<RkStat | number>;
  /**
   * The file type (mode & S_IFMT) of an open descriptor, from its node: no driver call (a node's
   * type never changes), so no request on a network file system. @returns the S_IF* bits, or -EBADF.
   */
  ftype(fd: number): number;
  stat(path: string): RkFsResult<RkStat | number>;
  lstat(path: string): RkFsResult<RkStat | number>;
  fstatat(dirfd: number, path: string, flags: number): RkFsResult<RkStat | number>;
  ftruncate(fd: number, length: number): RkFsResult<number>;
  truncate(path: string, length: number): Promise<number>;
  fsync(fd: number): RkFsResult<number>;
  fdatasync(fd: number): RkFsResult<number>;
  mkdir(path: string, mode: number): RkFsResult<number>;
  mkdirat(dirfd: number, path: string, mode: number): RkFsResult<number>;
  rmdir(path: string): RkFsResult<number>;
  unlink(path: string): RkFsResult<number>;
  unlinkat(dirfd: number, path: string, flags: number): RkFsResult<number>;
  rename(oldpath: string, newpath: string): RkFsResult<number>;
  renameat2(
    olddirfd: number,
    oldpath: string,
    newdirfd: number,
    newpath: string,
    flags: number,
  ): RkFsResult<number>;
  link(oldpath: string, newpath: string): RkFsResult<number>;
  linkat(
    olddirfd: number,
    oldpath: string,
    newdirfd: number,
    newpath: string,
    flags: number,
  ): RkFsResult<number>;
  symlink(target: string, linkpath: string): RkFsResult<number>;
  symlinkat(target: string, dirfd: number, linkpath: string): RkFsResult<number>;
  readlink(path: string): RkFsResult<string | number>;
  readlinkat(dirfd: number, path: string): RkFsResult<string | number>;
  /** getdents64 into `buf` (struct linux_dirent64, little-endian). @returns bytes filled, 0 at the end, -EINVAL (buf too small for one entry), -ENOTDIR. */
  getdents64(fd: number, buf: Uint8Array): RkFsResult<number>;
  /** The entries of an open directory from its current position to the end (readdir(3) loop). */
  readdir(fd: number): RkFsResult<RkDirent[] | number>;
  chmod(path: string, mode: number): Promise<number>;
  fchmod(fd: number, mode: number): Promise<number>;
  fchmodat(dirfd: number, path: string, mode: number, flags: number): Promise<number>;
  chown(path: string, uid: number, gid: number): Promise<number>;
  lchown(path: string, uid: number, gid: number): Promise<number>;
  fchown(fd: number, uid: number, gid: number): Promise<number>;
  fchownat(dirfd: number, path: string, uid: number, gid: number, flags: number): Promise<number>;
  utimensat(dirfd: number, path: string | null, times: RkUtimes, flags: number): RkFsResult<number>;
  futimens(fd: number, times: RkUtimes): RkFsResult<number>;
  statfs(path: string): Promise<RkStatfs | number>;
  fstatfs(fd: number): Promise<RkStatfs | number>;
  access(path: string, mode: number): Promise<number>;
  faccessat(dirfd: number, path: string, mode: number, flags: number): Promise<number>;
  mknod(path: string, mode: number, dev: number): Promise<number>;
  dup(fd: number): number;
  dup2(oldfd: number, newfd: number): number;
  dup3(oldfd: number, newfd: number, flags: number): number;
  /** fcntl F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL. @returns per command, or -EBADF, -EINVAL. */
  fcntl(fd: number, cmd: number, arg?: number): number;
  /**
   * Readiness of `fd` (POLLIN/POLLOUT... Linux values) when its driver reports one (a device such
   * as the console), else null: always ready, as a regular file. For a POSIX layer's poll.
   */
  pollFd?(fd: number): number | null;
  /** Watches `fd`'s readiness where its driver reports one (see pollFd). @returns the remover, or null. */
  watchFd?(fd: number, w: (events: number) => void): (() => void) | null;
  chdir(path: string): Promise<number>;
  fchdir(fd: number): Promise<number>;
  /** The absolute path of the working directory. */
  getcwd(): string;
  /** Closes every O_CLOEXEC descriptor (what exec does). */
  closeOnExec(): Promise<void>;
  sync(): Promise<number>;
}
