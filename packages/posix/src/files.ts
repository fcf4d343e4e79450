// The path and file-attribute calls on POSIX descriptors: directory descriptors and the files
// behind descriptors are translated to the vfscore descriptors their RkPosixVfsFile owns, and a
// vfscore descriptor that open returns is wrapped and installed in the process's table. A
// descriptor that is not a vfscore file is ENOTDIR as a directory and the Linux errno of its kind
// (EINVAL, ESPIPE...) for file calls.
import { Errno } from '@runikraft/errno';
import type { RkDirent, RkFsResult, RkStat, RkStatfs, RkUtimes, RkVfs } from '@runikraft/vfscore';
import { AT_FDCWD, F_GETFL, O_CLOEXEC } from './constants';
import type { RkFdtab } from './fdtab';
import { RkPosixVfsFile } from './vfile';

export class RkPosixFiles {
  constructor(
    readonly vfs: RkVfs | null,
    private readonly fdtab: RkFdtab,
  ) {}

  /** The vfscore descriptor for `dirfd` in an *at() call: AT_FDCWD, or -EBADF/-ENOTDIR. */
  dir(dirfd: number): number {
    if (dirfd === AT_FDCWD) return AT_FDCWD;
    const of = this.fdtab.get(dirfd);
    if (!of) return -Errno.EBADF;
    return of.file instanceof RkPosixVfsFile ? of.file.vfd : -Errno.ENOTDIR;
  }

  /** The vfscore file at `fd`: -EBADF when closed, `other` when it is another kind. */
  vfile(fd: number, other: number): RkPosixVfsFile | number {
    const of = this.fdtab.get(fd);
    if (!of) return -Errno.EBADF;
    return of.file instanceof RkPosixVfsFile ? of.file : -other;
  }

  private v(): RkVfs | number {
    return this.vfs ?? -Errno.ENOSYS;
  }

  /**
   * openat(2): opens through vfscore and installs the file at the lowest free descriptor.
   * @returns the descriptor, -EMFILE (checked before the open's side effects), or vfscore's -errno;
   * synchronous when vfscore answered without waiting.
   */
  openat(dirfd: number, path: string, flags: number, mode = 0o666): RkFsResult<number> {
    const vfs = this.vfs;
    if (!vfs) return -Errno.ENOSYS;
    const d = this.dir(dirfd);
    if (d < 0 && d !== AT_FDCWD) return d;
    if (!this.fdtab.hasFree()) return -Errno.EMFILE;
    const vfd = vfs.openat(d, path, flags, mode);
    const cloexec = (flags & O_CLOEXEC) !== 0;
    if (vfd instanceof Promise) return this.adoptLater(vfs, vfd, cloexec);
    return vfd < 0 ? vfd : this.adopt(vfs, vfd, cloexec);
  }
  private adoptLater(vfs: RkVfs, vfd: Promise<number>, cloexec: boolean): Promise<number> {
    return vfd.then((v) => (v < 0 ? v : this.adopt(vfs, v, cloexec)));
  }

  /**
   * Installs an open vfscore descriptor (owned from now on) as a POSIX descriptor. Its type comes
   * from the node, not a stat: Linux's open asks the file system nothing more either, and on 9p a
   * stat of a file just created or of a directory just changed is a request (SQLite opens its
   * journal and its directory at every transaction). @returns the descriptor, or -EBADF.
   */
  adopt(vfs: RkVfs, vfd: number, cloexec: boolean, min = 0): number {
    const type = vfs.ftype(vfd);
    if (type < 0) return type;
    const flags = vfs.fcntl(vfd, F_GETFL);
    return this.fdtab.install(new RkPosixVfsFile(vfs, vfd, type), Math.max(flags, 0), cloexec, min);
  }

  private at<T>(
    dirfd: number,
    f: (vfs: RkVfs, d: number) => RkFsResult<T | number>,
  ): RkFsResult<T | number> {
    const vfs = this.v();
    if (typeof vfs === 'number') return vfs;
    const d = this.dir(dirfd);
    return d < 0 && d !== AT_FDCWD ? d : f(vfs, d);
  }
  private on<T>(
    fd: number,
    other: number,
    f: (vfs: RkVfs, v: number) => RkFsResult<T | number>,
  ): RkFsResult<T | number> {
    const vf = this.vfile(fd, other);
    return typeof vf === 'number' ? vf : f(vf.vfs, vf.vfd);
  }

  // The calls a program makes on every file (SQLite: several per statement) take no closure.
  fstatat(dirfd: number, path: string, flags: number): RkFsResult<RkStat | number> {
    const vfs = this.vfs;
    if (!vfs) return -Errno.ENOSYS;
    const d = this.dir(dirfd);
    return d < 0 && d !== AT_FDCWD ? d : vfs.fstatat(d, path, flags);
  }
  mkdirat(dirfd: number, path: string, mode: number): RkFsResult<number> {
    const vfs = this.vfs;
    if (!vfs) return -Errno.ENOSYS;
    const d = this.dir(dirfd);
    return d < 0 && d !== AT_FDCWD ? d : vfs.mkdirat(d, path, mode);
  }
  unlinkat(dirfd: number, path: string, flags: number): RkFsResult<number> {
    const vfs = this.vfs;
    if (!vfs) return -Errno.ENOSYS;
    const d = this.dir(dirfd);
    return d < 0 && d !== AT_FDCWD ? d : vfs.unlinkat(d, path, flags);
  }
  symlinkat = (target: string, dirfd: number, linkpath: string): RkFsResult<number> =>
    this.at(dirfd, (v, d) => v.symlinkat(target, d, linkpath));
  readlinkat = (dirfd: number, path: string): RkFsResult<string | number> =>
    this.at(dirfd, (v, d) => v.readlinkat(d, path));
  fchmodat = (dirfd: number, path: string, mode: number, flags: number): RkFsResult<number> =>
    this.at(dirfd, (v, d) => v.fchmodat(d, path, mode, flags));
  fchownat = (
    dirfd: number,
    path: string,
    uid: number,
    gid: number,
    flags: number,
  ): RkFsResult<number> => this.at(dirfd, (v, d) => v.fchownat(d, path, uid, gid, flags));
  faccessat = (dirfd: number, path: string, mode: number, flags: number): RkFsResult<number> =>
    this.at(dirfd, (v, d) => v.faccessat(d, path, mode, flags));
  utimensat(
    dirfd: number,
    path: string | null,
    times: RkUtimes,
    flags: number,
  ): RkFsResult<number> {
    const vfs = this.vfs;
    if (!vfs) return -Errno.ENOSYS;
    const d = this.dir(dirfd);
    return d < 0 && d !== AT_FDCWD ? d : vfs.utimensat(d, path, times, flags);
  }
  renameat2(od: number, op: string, nd: number, np: string, flags: number): RkFsResult<number> {
    const o = this.dir(od);
    if (o < 0 && o !== AT_FDCWD) return o;
    return this.at(nd, (v, n) => v.renameat2(o, op, n, np, flags));
  }
  linkat(od: number, op: string, nd: number, np: string, flags: number): RkFsResult<number> {
    const o = this.dir(od);
    if (o < 0 && o !== AT_FDCWD) return o;
    return this.at(nd, (v, n) => v.linkat(o, op, n, np, flags));
  }

  ftruncate = (fd: number, length: number): RkFsResult<number> =>
    this.on(fd, Errno.EINVAL, (v, f) => v.ftruncate(f, length));
  fsync(fd: number): RkFsResult<number> {
    const vf = this.vfile(fd, Errno.EINVAL);
    return typeof vf === 'number' ? vf : vf.vfs.fsync(vf.vfd);
  }
  fdatasync(fd: number): RkFsResult<number> {
    const vf = this.vfile(fd, Errno.EINVAL);
    return typeof vf === 'number' ? vf : vf.vfs.fdatasync(vf.vfd);
  }
  getdents64 = (fd: number, buf: Uint8Array): RkFsResult<number> =>
    this.on(fd, Errno.ENOTDIR, (v, f) => v.getdents64(f, buf));
  readdir = (fd: number): RkFsResult<RkDirent[] | number> =>
    this.on(fd, Errno.ENOTDIR, (v, f) => v.readdir(f));
  fchmod = (fd: number, mode: number): RkFsResult<number> =>
    this.on(fd, Errno.EINVAL, (v, f) => v.fchmod(f, mode));
  fchown = (fd: number, uid: number, gid: number): RkFsResult<number> =>
    this.on(fd, Errno.EINVAL, (v, f) => v.fchown(f, uid, gid));
  futimens(fd: number, times: RkUtimes): RkFsResult<number> {
    const vf = this.vfile(fd, Errno.EINVAL);
    return typeof vf === 'number' ? vf : vf.vfs.futimens(vf.vfd, times);
  }
  fstatfs = (fd: number): RkFsResult<RkStatfs | number> =>
    this.on(fd, Errno.EINVAL, (v, f) => v.fstatfs(f));
  fchdir = (fd: number): RkFsResult<number> => this.on(fd, Errno.ENOTDIR, (v, f) => v.fchdir(f));
}
