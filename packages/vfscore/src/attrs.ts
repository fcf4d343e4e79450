// Attribute calls (Linux fs/stat.c, fs/open.c, fs/utimes.c, fs/statfs.c): stat family, chmod, chown,
// utimensat, truncate, access, statfs. Times come from the guest wall clock (the mount's env).
import { Errno } from '@runikraft/errno';
import type { RkStat, RkStatfs, RkUtimes } from './api';
import {
  AT_EACCESS,
  AT_EMPTY_PATH,
  AT_SYMLINK_NOFOLLOW,
  R_OK,
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
  UTIME_NOW,
  UTIME_OMIT,
  W_OK,
  X_OK,
} from './constants';
import type { RkVfsState } from './core';
import type { RkDentry } from './dentry';
import type { RkFsResult, RkFsSetattr, RkFsTime } from './driver';

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;

/** The dentry `path` names relative to `dirfd`; "" with AT_EMPTY_PATH is `dirfd` itself. */
function target(
  st: RkVfsState,
  dirfd: number,
  path: string,
  flags: number,
  allowed: number,
): RkFsResult<RkDentry | number> {
  if (flags & ~allowed) return -Errno.EINVAL;
  if (path === '' && flags & AT_EMPTY_PATH) {
    const f = st.fds.get(dirfd);
    if (f) return f.dentry;
    return dirfd === -100 ? (st.cwd ?? -Errno.ENOENT) : -Errno.EBADF;
  }
  return st.resolve(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
}

export function fstatat(
  st: RkVfsState,
  dirfd: number,
  path: string,
  flags: number,
): RkFsResult<RkStat | number> {
  const d = target(st, dirfd, path, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
  const stat = (x: RkDentry | number) => (typeof x === 'number' ? x : st.statOf(x));
  return d instanceof Promise ? d.then(stat) : stat(d);
}

export function fstat(st: RkVfsState, fd: number): RkFsResult<RkStat | number> {
  const f = st.fds.get(fd);
  if (!f) return -Errno.EBADF;
  return st.statOf(f.dentry);
}

function setattr(d: RkDentry, set: RkFsSetattr): RkFsResult<number> {
  if (d.mount.readonly) return -Errno.EROFS;
  return d.mount.fs.setattr(d.node, set);
}

/** fchmodat: AT_SYMLINK_NOFOLLOW on a symlink is EOPNOTSUPP (Linux's answer for every fs). */
export async function fchmodat(
  st: RkVfsState,
  dirfd: number,
  path: string,
  mode: number,
  flags: number,
): Promise<number> {
  const d = await target(st, dirfd, path, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
  if (typeof d === 'number') return d;
  if (d.type === S_IFLNK) return -Errno.EOPNOTSUPP;
  return setattr(d, { mode: mode & 0o7777 });
}

export async function fchmod(st: RkVfsState, fd: number, mode: number): Promise<number> {
  const f = st.fds.get(fd);
  if (!f?.handle) return -Errno.EBADF;
  return setattr(f.dentry, { mode: mode & 0o7777 });
}

/**
 * chown's change: the ids that are not -1, and for a non-directory the set-user-ID bit and an
 * effective set-group-ID bit (S_ISGID with S_IXGRP) dropped — Linux does so even for root.
 */
async function chown(st: RkVfsState, d: RkDentry, uid: number, gid: number): Promise<number> {
  const set = ownerSet(uid, gid);
  if (d.type !== S_IFDIR && d.type !== S_IFLNK) {
    const now = await st.statOf(d);
    if (typeof now === 'number') return now;
    const kill = S_ISUID | (now.mode & 0o010 ? S_ISGID : 0);
    if (now.mode & kill) set.mode = now.mode & 0o7777 & ~kill;
  }
  return setattr(d, set);
}

function ownerSet(uid: number, gid: number): RkFsSetattr {
  const set: RkFsSetattr = {};
  if (uid !== -1 && uid !== 0xffffffff) set.uid = uid >>> 0;
  if (gid !== -1 && gid !== 0xffffffff) set.gid = gid >>> 0;
  return set;
}

export async function fchownat(
  st: RkVfsState,
  dirfd: number,
  path: string,
  uid: number,
  gid: number,
  flags: number,
): Promise<number> {
  const d = await target(st, dirfd, path, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
  if (typeof d === 'number') return d;
  return chown(st, d, uid, gid);
}

export async function fchown(
  st: RkVfsState,
  fd: number,
  uid: number,
  gid: number,
): Promise<number> {
  const f = st.fds.get(fd);
  if (!f?.handle) return -Errno.EBADF;
  return chown(st, f.dentry, uid, gid);
}

function validTime(t: RkFsTime): boolean {
  return t.nsec === UTIME_NOW || t.nsec === UTIME_OMIT || (t.nsec >= 0 && t.nsec < 1e9);
}

/** utimensat(2); `path` null means `dirfd` itself (futimens). Synchronous when the walk and the driver are. */
export function utimensat(
  st: RkVfsState,
  dirfd: number,
  path: string | null,
  times: RkUtimes,
  flags: number,
): RkFsResult<number> {
  if (times && !(validTime(times[0]) && validTime(times[1]))) return -Errno.EINVAL;
  let d: RkFsResult<RkDentry | number>;
  if (path === null) {
    if (flags & ~AT_SYMLINK_NOFOLLOW) return -Errno.EINVAL;
    const f = st.fds.get(dirfd);
    d = f ? f.dentry : -Errno.EBADF;
  } else d = target(st, dirfd, path, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
  if (d instanceof Promise) return setTimesLater(st, d, times);
  return setTimes(st, d, times);
}

function setTimesLater(
  st: RkVfsState,
  d: Promise<RkDentry | number>,
  times: RkUtimes,
): Promise<number> {
  return d.then((x) => setTimes(st, x, times));
}

/** UTIME_NOW is the wall clock, UTIME_OMIT leaves the time; null times are both now. */
function pickTime(t: RkFsTime | undefined, now: RkFsTime): RkFsTime | undefined {
  if (!t || t.nsec === UTIME_NOW) return now;
  return t.nsec === UTIME_OMIT ? undefined : { sec: t.sec, nsec: t.nsec };
}

function setTimes(st: RkVfsState, d: RkDentry | number, times: RkUtimes): RkFsResult<number> {
  if (typeof d === 'number') return d;
  const now = st.env.now();
  const a = pickTime(times?.[0], now);
  const m = pickTime(times?.[1], now);
  if (!a && !m) return 0;
  const set: RkFsSetattr = {};
  if (a) set.atime = a;
  if (m) set.mtime = m;
  return setattr(d, set);
}

/** truncate(2): follows symlinks; a directory is EISDIR, other non-regular files EINVAL. */
export async function truncate(st: RkVfsState, path: string, len: number): Promise<number> {
  if (len < 0) return -Errno.EINVAL;
  const d = await st.resolve(-100, path, true);
  if (typeof d === 'number') return d;
  if (d.type === S_IFDIR) return -Errno.EISDIR;
  if (d.type !== S_IFREG) return -Errno.EINVAL;
  if (len > Number.MAX_SAFE_INTEGER) return -Errno.EFBIG;
  return setattr(d, { size: len });
}

/** faccessat: the caller is root, so only existence, X_OK (some x bit on non-directories) and EROFS matter. */
export async function faccessat(
  st: RkVfsState,
  dirfd: number,
  path: string,
  mode: number,
  flags: number,
): Promise<number> {
  if (mode & ~(R_OK | W_OK | X_OK)) return -Errno.EINVAL;
  const d = await target(st, dirfd, path, flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_EACCESS);
  if (typeof d === 'number') return d;
  if (mode & W_OK && d.mount.readonly && d.type !== S_IFLNK) return -Errno.EROFS;
  if (mode & X_OK && d.type !== S_IFDIR) {
    const s = await st.statOf(d);
    if (typeof s === 'number') return s;
    if ((s.mode & 0o111) === 0) return -Errno.EACCES;
  }
  return 0;
}

export async function statfsOf(d: RkDentry): Promise<RkStatfs | number> {
  const out: RkStatfs = {
    type: 0,
    bsize: 0,
    blocks: 0,
    bfree: 0,
    bavail: 0,
    files: 0,
    ffree: 0,
    namelen: 0,
    frsize: 0,
    flags: 0,
  };
  const r = d.mount.fs.statfs(out);
  const n = r instanceof Promise ? await r : r;
  if (n < 0) return n;
  if (d.mount.readonly) out.flags |= 1; // ST_RDONLY
  return out;
}
