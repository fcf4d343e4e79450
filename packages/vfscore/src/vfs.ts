// RkVfsCore: the vfscore API object (one per kernel) — each call delegates to the file that
// implements that family of calls; see api.ts for the contract.
import { Errno } from '@runikraft/errno';
import type { RkDirent, RkMountInfo, RkStat, RkStatfs, RkUtimes, RkVfs } from './api';
import {
  faccessat,
  fchmod,
  fchmodat,
  fchown,
  fchownat,
  fstat,
  fstatat,
  statfsOf,
  truncate,
  utimensat,
} from './attrs';
import {
  AT_FDCWD,
  AT_REMOVEDIR,
  AT_SYMLINK_NOFOLLOW,
  O_CREAT,
  O_TRUNC,
  O_WRONLY,
  S_IFDIR,
} from './constants';
import { RkVfsState } from './core';
import type { RkDentry } from './dentry';
import { getdents64, readdirAll } from './dirents';
import type { RkFsEnv, RkFsResult, RkFsType } from './driver';
import * as io from './io';
import { mount, mountFstab, mountInfo, parseFstab, umount } from './mounts';
import { pathOf } from './namei';
import { linkat, mkdirat, mknodat, readlinkat, renameat2, symlinkat, unlinkat } from './names';
import { close, dup, dup2, dup3, fcntl, openat, unref } from './open';
import { shutdownMounts } from './shutdown';

export class RkVfsCore implements RkVfs {
  /** The state the calls share. @internal exposed for drivers' tests and the conformance kit. */
  readonly st: RkVfsState;

  constructor(env: RkFsEnv, opts: { nofile?: number } = {}) {
    this.st = new RkVfsState(env, opts.nofile);
  }

  registerFsType(type: RkFsType): void {
    if (this.st.fsTypes.has(type.name))
      throw new Error(`vfscore: two file-system types are named '${type.name}'`);
    this.st.fsTypes.set(type.name, type);
  }
  mount(source: string, target: string, type: string, flags = 0, options = ''): Promise<number> {
    return mount(this.st, source, target, type, flags, options);
  }
  umount(target: string): Promise<number> {
    return umount(this.st, target);
  }
  mounts(): RkMountInfo[] {
    return mountInfo(this.st);
  }
  /** Mounts fstab entries (`vfs.fstab` syntax). @returns 0, or a message naming the bad entry. */
  async mountFstab(fstab: string | readonly string[]): Promise<string | 0> {
    const entries = parseFstab(fstab);
    return typeof entries === 'string' ? entries : mountFstab(this.st, entries);
  }
  /** The file mode creation mask; returns the previous one (umask(2)). */
  umask(mask: number): number {
    const old = this.st.umask;
    this.st.umask = mask & 0o777;
    return old;
  }

  open(path: string, flags: number, mode = 0o666): RkFsResult<number> {
    return openat(this.st, AT_FDCWD, path, flags, mode);
  }
  openat(dirfd: number, path: string, flags: number, mode = 0o666): RkFsResult<number> {
    return openat(this.st, dirfd, path, flags, mode);
  }
  creat(path: string, mode: number): RkFsResult<number> {
    return openat(this.st, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
  }
  close(fd: number): RkFsResult<number> {
    return close(this.st, fd);
  }
  read(fd: number, buf: Uint8Array): RkFsResult<number> {
    return io.read(this.st, fd, buf);
  }
  write(fd: number, buf: Uint8Array): RkFsResult<number> {
    return io.write(this.st, fd, buf);
  }
  pread(fd: number, buf: Uint8Array, offset: number): RkFsResult<number> {
    return io.pread(this.st, fd, buf, offset);
  }
  pwrite(fd: number, buf: Uint8Array, offset: number): RkFsResult<number> {
    return io.pwrite(this.st, fd, buf, offset);
  }
  readv(fd: number, bufs: readonly Uint8Array[]): RkFsResult<number> {
    return io.readv(this.st, fd, bufs);
  }
  writev(fd: number, bufs: readonly Uint8Array[]): RkFsResult<number> {
    return io.writev(this.st, fd, bufs);
  }
  lseek(fd: number, offset: number, whence: number): RkFsResult<number> {
    return io.lseek(this.st, fd, offset, whence);
  }
  fstat(fd: number): RkFsResult<RkStat | number> {
    return fstat(this.st, fd);
  }
  ftype(fd: number): number {
    const f = this.st.fds.get(fd);
    return f ? f.dentry.type : -Errno.EBADF;
  }
  stat(path: string): RkFsResult<RkStat | number> {
    return fstatat(this.st, AT_FDCWD, path, 0);
  }
  lstat(path: string): RkFsResult<RkStat | number> {
    return fstatat(this.st, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW);
  }
  fstatat(dirfd: number, path: string, flags: number): RkFsResult<RkStat | number> {
    return fstatat(this.st, dirfd, path, flags);
  }
  ftruncate(fd: number, length: number): RkFsResult<number> {
    return io.ftruncate(this.st, fd, length);
  }
  truncate(path: string, length: number): Promise<number> {
    return truncate(this.st, path, length);
  }
  fsync(fd: number): RkFsResult<number> {
    return io.fsync(this.st, fd, false);
  }
  fdatasync(fd: number): RkFsResult<number> {
    return io.fsync(this.st, fd, true);
  }
  mkdir(path: string, mode: number): RkFsResult<number> {
    return mkdirat(this.st, AT_FDCWD, path, mode);
  }
  mkdirat(dirfd: number, path: string, mode: number): RkFsResult<number> {
    return mkdirat(this.st, dirfd, path, mode);
  }
  rmdir(path: string): RkFsResult<number> {
    return unlinkat(this.st, AT_FDCWD, path, AT_REMOVEDIR);
  }
  unlink(path: string): RkFsResult<number> {
    return unlinkat(this.st, AT_FDCWD, path, 0);
  }
  unlinkat(dirfd: number, path: string, flags: number): RkFsResult<number> {
    return unlinkat(this.st, dirfd, path, flags);
  }
  rename(oldpath: string, newpath: string): RkFsResult<number> {
    return renameat2(this.st, AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
  }
  renameat2(od: number, op: string, nd: number, np: string, flags: number): RkFsResult<number> {
    return renameat2(this.st, od, op, nd, np, flags);
  }
  link(oldpath: string, newpath: string): RkFsResult<number> {
    return linkat(this.st, AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
  }
  linkat(od: number, op: string, nd: number, np: string, flags: number): RkFsResult<number> {
    return linkat(this.st, od, op, nd, np, flags);
  }
  symlink(target: string, linkpath: string): RkFsResult<number> {
    return symlinkat(this.st, target, AT_FDCWD, linkpath);
  }
  symlinkat(target: string, dirfd: number, linkpath: string): RkFsResult<number> {
    return symlinkat(this.st, target, dirfd, linkpath);
  }
  readlink(path: string): RkFsResult<string | number> {
    return readlinkat(this.st, AT_FDCWD, path);
  }
  readlinkat(dirfd: number, path: string): RkFsResult<string | number> {
    return readlinkat(this.st, dirfd, path);
  }
  getdents64(fd: number, buf: Uint8Array): RkFsResult<number> {
    return getdents64(this.st, fd, buf);
  }
  readdir(fd: number): RkFsResult<RkDirent[] | number> {
    return readdirAll(this.st, fd);
  }
  chmod(path: string, mode: number): Promise<number> {
    return fchmodat(this.st, AT_FDCWD, path, mode, 0);
  }
  fchmod(fd: number, mode: number): Promise<number> {
    return fchmod(this.st, fd, mode);
  }
  fchmodat(dirfd: number, path: string, mode: number, flags: number): Promise<number> {
    return fchmodat(this.st, dirfd, path, mode, flags);
  }
  chown(path: string, uid: number, gid: number): Promise<number> {
    return fchownat(this.st, AT_FDCWD, path, uid, gid, 0);
  }
  lchown(path: string, uid: number, gid: number): Promise<number> {
    return fchownat(this.st, AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
  }
  fchown(fd: number, uid: number, gid: number): Promise<number> {
    return fchown(this.st, fd, uid, gid);
  }
  fchownat(dirfd: number, path: string, uid: number, gid: number, flags: number): Promise<number> {
    return fchownat(this.st, dirfd, path, uid, gid, flags);
  }
  utimensat(
    dirfd: number,
    path: string | null,
    times: RkUtimes,
    flags: number,
  ): RkFsResult<number> {
    return utimensat(this.st, dirfd, path, times, flags);
  }
  futimens(fd: number, times: RkUtimes): RkFsResult<number> {
    return utimensat(this.st, fd, null, times, 0);
  }
  async statfs(path: string): Promise<RkStatfs | number> {
    const d = await this.st.resolve(AT_FDCWD, path, true);
    return typeof d === 'number' ? d : statfsOf(d);
  }
  async fstatfs(fd: number): Promise<RkStatfs | number> {
    const f = this.st.fds.get(fd);
    return f ? statfsOf(f.dentry) : -Errno.EBADF;
  }
  access(path: string, mode: number): Promise<number> {
    return faccessat(this.st, AT_FDCWD, path, mode, 0);
  }
  faccessat(dirfd: number, path: string, mode: number, flags: number): Promise<number> {
    return faccessat(this.st, dirfd, path, mode, flags);
  }
  mknod(path: string, mode: number, dev: number): Promise<number> {
    return mknodat(this.st, AT_FDCWD, path, mode, dev);
  }
  dup(fd: number): number {
    return dup(this.st, fd);
  }
  dup2(oldfd: number, newfd: number): number {
    return dup2(this.st, oldfd, newfd);
  }
  dup3(oldfd: number, newfd: number, flags: number): number {
    return dup3(this.st, oldfd, newfd, flags);
  }
  fcntl(fd: number, cmd: number, arg = 0): number {
    return fcntl(this.st, fd, cmd, arg);
  }
  pollFd(fd: number): number | null {
    const f = this.st.fds.get(fd);
    const fs = f?.handle ? f.dentry.mount.fs : null;
    return fs?.poll ? fs.poll(f!.handle!) : null;
  }
  watchFd(fd: number, w: (events: number) => void): (() => void) | null {
    const f = this.st.fds.get(fd);
    const fs = f?.handle ? f.dentry.mount.fs : null;
    return fs?.watch ? fs.watch(f!.handle!, w) : null;
  }
  async chdir(path: string): Promise<number> {
    const d = await this.st.resolve(AT_FDCWD, path, true);
    if (typeof d === 'number') return d;
    return this.setCwd(d);
  }
  async fchdir(fd: number): Promise<number> {
    const f = this.st.fds.get(fd);
    return f ? this.setCwd(f.dentry) : -Errno.EBADF;
  }
  private setCwd(d: RkDentry): number {
    if (d.type !== S_IFDIR) return -Errno.ENOTDIR;
    const old = this.st.cwd!;
    d.refs++;
    d.mount.busy++;
    this.st.cwd = d;
    old.refs--;
    old.mount.busy--;
    if (!old.linked && old.refs === 0) old.release();
    return 0;
  }
  getcwd(): string {
    return this.st.cwd ? pathOf(this.st.cwd, this.st.root) : '/';
  }
  async closeOnExec(): Promise<void> {
    for (const [fd, f] of [...this.st.fds.open()]) {
      if (!this.st.fds.getCloexec(fd)) continue;
      this.st.fds.remove(fd);
      await unref(f);
    }
  }
  /**
   * The power-off step (vfscore's term): closes every descriptor, then syncs and unmounts every
   * mount, newest first and the root last. @returns a message per failure, naming the mount point.
   */
  shutdown(): Promise<string[]> {
    return shutdownMounts(this.st);
  }
  async sync(): Promise<number> {
    for (const m of this.st.mountList) {
      const r = m.fs.sync();
      const n = r instanceof Promise ? await r : r;
      if (n < 0) return n;
    }
    return 0;
  }
}
