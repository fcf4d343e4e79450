// open/openat/close and the descriptor calls (dup, dup2, dup3, fcntl) — Linux fs/open.c, fs/fcntl.c.
import { Errno } from '@runikraft/errno';
import {
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  FD_CLOEXEC,
  O_ACCMODE,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_LARGEFILE,
  O_NOCTTY,
  O_NOFOLLOW,
  O_PATH,
  O_RDONLY,
  O_SETFL_MASK,
  O_TRUNC,
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
} from './constants';
import type { RkVfsState } from './core';
import type { RkDentry } from './dentry';
import type { RkFsNode, RkFsResult } from './driver';
import { RkFile } from './file';
import { isNormal, nameiLast, nameiParent, type RkLinkCount, type RkParent } from './namei';

const O_TMPFILE = 0o20000000 | O_DIRECTORY;
/** What O_PATH keeps (Linux: every other flag is ignored). */
const O_PATH_KEEPS = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
/** Flags that act at open time only and are not part of the description. */
const O_OPEN_ONLY = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC;

/**
 * O_CREAT's last step through a symlink (the rare case; openCreate handles the rest at once): the
 * existing file (symlinks followed unless O_NOFOLLOW), or a new one.
 */
async function createLast(
  st: RkVfsState,
  p: RkParent,
  flags: number,
  mode: number,
  count: RkLinkCount,
): Promise<{ d: RkDentry; created: boolean } | number> {
  for (;;) {
    if (!isNormal(p.name) || p.slash) return -Errno.EISDIR;
    const c = await nameiLast(st, p, false, count);
    if (typeof c !== 'number') {
      if (flags & O_EXCL) return -Errno.EEXIST;
      if (c.type !== S_IFLNK) return { d: c, created: false };
      if (flags & O_NOFOLLOW) return -Errno.ELOOP;
      if (++count.links > 40) return -Errno.ELOOP;
      let target = c.mount.fs.readlink(c.node);
      if (target instanceof Promise) target = await target;
      if (typeof target === 'number') return target;
      const next = await nameiParent(st, p.dir, target, count);
      if (typeof next === 'number') return next;
      p = next;
      continue;
    }
    if (c !== -Errno.ENOENT) return c;
    const dir = p.dir;
    if (dir.mount.readonly) return -Errno.EROFS;
    let n = dir.mount.fs.create(dir.node, p.name, mode & 0o7777 & ~st.umask);
    if (n instanceof Promise) n = await n;
    if (typeof n === 'number') return n;
    return { d: dir.adopt(p.name, n), created: true };
  }
}

/**
 * openat(2). @returns the lowest free fd, or -errno as Linux. Synchronous while every step is
 * (cached path, a driver that answers at once: ramfs); from the first step that waits, a Promise.
 */
export function openat(
  st: RkVfsState,
  dirfd: number,
  path: string,
  flags: number,
  mode: number,
): RkFsResult<number> {
  if ((flags & O_TMPFILE) === O_TMPFILE) return -Errno.EOPNOTSUPP;
  if (flags & O_PATH) flags &= O_PATH_KEEPS;
  if ((flags & (O_CREAT | O_DIRECTORY)) === (O_CREAT | O_DIRECTORY)) return -Errno.EINVAL;
  if (!st.fds.hasFree()) return -Errno.EMFILE;
  const count = { links: 0 };
  const p = st.resolveParent(dirfd, path, count);
  if (p instanceof Promise) return openParentLater(st, p, flags, mode, count);
  return openParent(st, p, flags, mode, count);
}

function openParentLater(
  st: RkVfsState,
  p: Promise<RkParent | number>,
  flags: number,
  mode: number,
  count: RkLinkCount,
): Promise<number> {
  return p.then((q) => openParent(st, q, flags, mode, count));
}

function openParent(
  st: RkVfsState,
  p: RkParent | number,
  flags: number,
  mode: number,
  count: RkLinkCount,
): RkFsResult<number> {
  if (typeof p === 'number') return p;
  if (flags & O_CREAT) {
    if (!isNormal(p.name) || p.slash) return -Errno.EISDIR;
    const c = nameiLast(st, p, false, count);
    if (c instanceof Promise) return openCreateLater(st, p, c, flags, mode, count);
    return openCreate(st, p, c, flags, mode, count);
  }
  const r = nameiLast(st, p, (flags & O_NOFOLLOW) === 0, count);
  if (r instanceof Promise) return openFoundLater(st, r, flags, false);
  return openFound(st, r, flags, false);
}

function openCreateLater(
  st: RkVfsState,
  p: RkParent,
  c: Promise<RkDentry | number>,
  flags: number,
  mode: number,
  count: RkLinkCount,
): Promise<number> {
  return c.then((x) => openCreate(st, p, x, flags, mode, count));
}

/** O_CREAT once the last component was looked up (`c`): open what is there, or create it. */
function openCreate(
  st: RkVfsState,
  p: RkParent,
  c: RkDentry | number,
  flags: number,
  mode: number,
  count: RkLinkCount,
): RkFsResult<number> {
  if (typeof c !== 'number') {
    if (flags & O_EXCL) return -Errno.EEXIST;
    if (c.type === S_IFLNK) return createdLater(st, createLast(st, p, flags, mode, count), flags);
    return openFound(st, c, flags, false);
  }
  if (c !== -Errno.ENOENT) return c;
  const dir = p.dir;
  if (dir.mount.readonly) return -Errno.EROFS;
  const n = dir.mount.fs.create(dir.node, p.name, mode & 0o7777 & ~st.umask);
  if (n instanceof Promise) return createNodeLater(st, p, n, flags);
  if (typeof n === 'number') return n;
  return openFound(st, dir.adopt(p.name, n), flags, true);
}

function createNodeLater(
  st: RkVfsState,
  p: RkParent,
  n: Promise<RkFsNode | number>,
  flags: number,
): Promise<number> {
  return n.then((x) =>
    typeof x === 'number' ? x : openFound(st, p.dir.adopt(p.name, x), flags, true),
  );
}

function createdLater(
  st: RkVfsState,
  r: Promise<{ d: RkDentry; created: boolean } | number>,
  flags: number,
): Promise<number> {
  return r.then((x) => (typeof x === 'number' ? x : openFound(st, x.d, flags, x.created)));
}

function openFoundLater(
  st: RkVfsState,
  r: Promise<RkDentry | number>,
  flags: number,
  created: boolean,
): Promise<number> {
  return r.then((d) => openFound(st, d, flags, created));
}

/** The rest of openat once the file is found (or made): checks, the driver's open, O_TRUNC, the fd. */
function openFound(
  st: RkVfsState,
  d: RkDentry | number,
  flags: number,
  created: boolean,
): RkFsResult<number> {
  if (typeof d === 'number') return d;
  if (flags & O_CREAT) {
    if (d.type === S_IFDIR) return -Errno.EISDIR;
  } else if (d.type === S_IFLNK && !(flags & O_PATH)) return -Errno.ELOOP;
  if (flags & O_DIRECTORY && d.type !== S_IFDIR) return -Errno.ENOTDIR;
  if (flags & O_PATH) return install(st, new RkFile(d, null, flags), flags);
  const writes = (flags & O_ACCMODE) !== O_RDONLY || (flags & O_TRUNC) !== 0;
  if (d.type === S_IFDIR && writes) return -Errno.EISDIR;
  if (writes && d.type === S_IFREG && d.mount.readonly) return -Errno.EROFS;
  const h = d.mount.fs.open(d.node, flags);
  if (h instanceof Promise) return openedLater(st, d, h, flags, created);
  return opened(st, d, h, flags, created);
}

function openedLater(
  st: RkVfsState,
  d: RkDentry,
  h: Promise<object | number>,
  flags: number,
  created: boolean,
): Promise<number> {
  return h.then((x) => opened(st, d, x, flags, created));
}

/** The driver opened `d` (handle `h`): O_TRUNC of an existing regular file, then the descriptor. */
function opened(
  st: RkVfsState,
  d: RkDentry,
  h: object | number,
  flags: number,
  created: boolean,
): RkFsResult<number> {
  if (typeof h === 'number') return h;
  if (flags & O_TRUNC && !created && d.type === S_IFREG) {
    const t = d.mount.fs.setattr(d.node, { size: 0 });
    if (t instanceof Promise) return truncatedLater(st, d, h, t, flags);
    return truncated(st, d, h, t, flags);
  }
  return install(st, new RkFile(d, h, (flags & ~O_OPEN_ONLY) | O_LARGEFILE), flags);
}

function truncatedLater(
  st: RkVfsState,
  d: RkDentry,
  h: object,
  t: Promise<number>,
  flags: number,
): Promise<number> {
  return t.then((x) => truncated(st, d, h, x, flags));
}

/** After O_TRUNC's setattr: a failure closes the handle (its own error is moot) and is the result. */
function truncated(
  st: RkVfsState,
  d: RkDentry,
  h: object,
  t: number,
  flags: number,
): RkFsResult<number> {
  if (t < 0) {
    const c = d.mount.fs.close(h);
    return c instanceof Promise ? settledThen(c, t) : t;
  }
  return install(st, new RkFile(d, h, (flags & ~O_OPEN_ONLY) | O_LARGEFILE), flags);
}

/** `r` once `p` has resolved. */
function settledThen(p: Promise<unknown>, r: number): Promise<number> {
  return p.then(() => r);
}

function install(st: RkVfsState, f: RkFile, flags: number): number {
  f.dentry.refs++;
  f.dentry.mount.busy++;
  const fd = st.fds.install(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) void unref(f); // -EMFILE after a race for the last slot; errors of that close are moot
  return fd;
}

/**
 * Drops one reference to a description; the last one closes the driver's handle.
 * @returns 0 or -errno from close: synchronous when the driver's close is.
 */
export function unref(f: RkFile): RkFsResult<number> {
  if (--f.refs > 0) return 0;
  if (!f.handle) return dropDentry(f.dentry, 0);
  const c = f.dentry.mount.fs.close(f.handle);
  if (c instanceof Promise) return dropLater(f.dentry, c);
  return dropDentry(f.dentry, c);
}

function dropLater(d: RkDentry, c: Promise<number>): Promise<number> {
  return c.then((r) => dropDentry(d, r));
}

/** The description's dentry reference goes once its handle is closed (`r`: that close's result). */
function dropDentry(d: RkDentry, r: number): number {
  d.refs--;
  d.mount.busy--;
  if (!d.linked && d.refs === 0) d.release();
  return r;
}

/** close(2). @returns 0, -EBADF, or the driver's -errno (the fd is closed either way, as Linux). */
export function close(st: RkVfsState, fd: number): RkFsResult<number> {
  const f = st.fds.remove(fd);
  if (!f) return -Errno.EBADF;
  return unref(f);
}

/** dup3 core: `newfd` takes `oldfd`'s description; what it held is closed (errors ignored, as Linux). */
function dupTo(st: RkVfsState, oldfd: number, newfd: number, cloexec: boolean): number {
  const f = st.fds.get(oldfd);
  if (!f) return -Errno.EBADF;
  if (newfd < 0 || newfd >= st.fds.limit) return -Errno.EBADF;
  f.refs++;
  const old = st.fds.replace(newfd, f, cloexec);
  if (old) void unref(old);
  return newfd;
}

export function dup(st: RkVfsState, fd: number): number {
  return dupFrom(st, fd, 0, false);
}

export function dup2(st: RkVfsState, oldfd: number, newfd: number): number {
  if (oldfd === newfd) return st.fds.get(oldfd) ? newfd : -Errno.EBADF;
  return dupTo(st, oldfd, newfd, false);
}

export function dup3(st: RkVfsState, oldfd: number, newfd: number, flags: number): number {
  if (flags & ~O_CLOEXEC || oldfd === newfd) return -Errno.EINVAL;
  return dupTo(st, oldfd, newfd, (flags & O_CLOEXEC) !== 0);
}

function dupFrom(st: RkVfsState, fd: number, min: number, cloexec: boolean): number {
  const f = st.fds.get(fd);
  if (!f) return -Errno.EBADF;
  const n = st.fds.install(f, cloexec, min);
  if (n >= 0) f.refs++;
  return n;
}

/** fcntl(2) on descriptors and status flags. */
export function fcntl(st: RkVfsState, fd: number, cmd: number, arg: number): number {
  const f = st.fds.get(fd);
  if (!f) return -Errno.EBADF;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      if (arg < 0 || arg >= st.fds.limit) return -Errno.EINVAL;
      return dupFrom(st, fd, arg, cmd === F_DUPFD_CLOEXEC);
    case F_GETFD:
      return st.fds.getCloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
      st.fds.setCloexec(fd, (arg & FD_CLOEXEC) !== 0);
      return 0;
    case F_GETFL:
      return f.flags & ~O_CLOEXEC;
    case F_SETFL:
      if (!f.handle) return -Errno.EBADF;
      f.flags = (f.flags & ~O_SETFL_MASK) | (arg & O_SETFL_MASK);
      return 0;
    default:
      return -Errno.EINVAL;
  }
}
