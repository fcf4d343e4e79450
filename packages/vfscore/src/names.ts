// Namespace calls (Linux fs/namei.c): mkdir, mknod, symlink, link, unlink, rmdir, rename(2)/
// renameat2, readlink — with Linux's checks in Linux's order, so the errno agrees.
import { Errno } from '@runikraft/errno';
import {
  AT_EMPTY_PATH,
  AT_REMOVEDIR,
  AT_SYMLINK_FOLLOW,
  PATH_MAX,
  RENAME_EXCHANGE,
  RENAME_NOREPLACE,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  S_IFSOCK,
} from './constants';
import type { RkVfsState } from './core';
import type { RkDentry } from './dentry';
import type { RkFsNode, RkFsResult } from './driver';
import { isNormal, lookupChild, lookupLast, type RkParent, utf8Len } from './namei';
import { type RkFsSteps, runSteps, wait } from './steps';

/**
 * filename_create: the parent of a name that must not exist yet. Synchronous while the walk and
 * the lookup are (a cached path on any driver, everything on ramfs).
 */
function createParent(
  st: RkVfsState,
  dirfd: number,
  path: string,
  isDir: boolean,
): RkFsResult<RkParent | number> {
  const p = st.resolveParent(dirfd, path);
  if (p instanceof Promise) return createParentLater(p, isDir);
  return createChecks(p, isDir);
}

function createParentLater(
  p: Promise<RkParent | number>,
  isDir: boolean,
): Promise<RkParent | number> {
  return p.then((q) => createChecks(q, isDir));
}

function createChecks(p: RkParent | number, isDir: boolean): RkFsResult<RkParent | number> {
  if (typeof p === 'number') return p;
  if (!isNormal(p.name)) return -Errno.EEXIST;
  const c = lookupLast(p);
  if (c instanceof Promise) return createLookedUpLater(p, c, isDir);
  return createLookedUp(p, c, isDir);
}

function createLookedUpLater(
  p: RkParent,
  c: Promise<RkDentry | number>,
  isDir: boolean,
): Promise<RkParent | number> {
  return c.then((x) => createLookedUp(p, x, isDir));
}

function createLookedUp(p: RkParent, c: RkDentry | number, isDir: boolean): RkParent | number {
  if (typeof c !== 'number') return -Errno.EEXIST;
  if (c !== -Errno.ENOENT) return c;
  if (p.slash && !isDir) return -Errno.ENOENT;
  if (p.dir.mount.readonly) return -Errno.EROFS;
  return p;
}

/** Caches the driver's new node `r` as `p.name`. @returns 0, or the driver's -errno. */
function adopt(p: RkParent, r: RkFsResult<RkFsNode | number>): RkFsResult<number> {
  if (r instanceof Promise) return adoptLater(p, r);
  if (typeof r === 'number') return r;
  p.dir.adopt(p.name, r);
  return 0;
}

function adoptLater(p: RkParent, r: Promise<RkFsNode | number>): Promise<number> {
  return r.then((n) => adopt(p, n));
}

/** mkdirat(2): synchronous when the walk and the driver are. */
export function mkdirat(
  st: RkVfsState,
  dirfd: number,
  path: string,
  mode: number,
): RkFsResult<number> {
  const p = createParent(st, dirfd, path, true);
  if (p instanceof Promise) return mkdirLater(st, p, mode);
  return mkdirIn(st, p, mode);
}

function mkdirLater(st: RkVfsState, p: Promise<RkParent | number>, mode: number): Promise<number> {
  return p.then((q) => mkdirIn(st, q, mode));
}

function mkdirIn(st: RkVfsState, p: RkParent | number, mode: number): RkFsResult<number> {
  if (typeof p === 'number') return p;
  return adopt(p, p.dir.mount.fs.mkdir(p.dir.node, p.name, mode & 0o1777 & ~st.umask));
}

export async function mknodat(
  st: RkVfsState,
  dirfd: number,
  path: string,
  mode: number,
  dev: number,
): Promise<number> {
  const type = mode & S_IFMT || S_IFREG;
  if (type === S_IFDIR) return -Errno.EPERM;
  if (![S_IFREG, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK].includes(type)) return -Errno.EINVAL;
  const p = await createParent(st, dirfd, path, false);
  if (typeof p === 'number') return p;
  const fs = p.dir.mount.fs;
  const perm = mode & 0o7777 & ~st.umask;
  if (type === S_IFREG) return adopt(p, fs.create(p.dir.node, p.name, perm));
  if (!fs.mknod) return -Errno.EPERM;
  return adopt(p, fs.mknod(p.dir.node, p.name, type | perm, dev));
}

/** symlinkat(2): synchronous when the walk and the driver are. */
export function symlinkat(
  st: RkVfsState,
  target: string,
  dirfd: number,
  path: string,
): RkFsResult<number> {
  if (target === '') return -Errno.ENOENT;
  if (utf8Len(target) >= PATH_MAX) return -Errno.ENAMETOOLONG;
  return runSteps(symlinkSteps(st, target, dirfd, path));
}

function* symlinkSteps(
  st: RkVfsState,
  target: string,
  dirfd: number,
  path: string,
): RkFsSteps<number> {
  const p = yield* wait(createParent(st, dirfd, path, false));
  if (typeof p === 'number') return p;
  return yield* wait(adopt(p, p.dir.mount.fs.symlink(p.dir.node, p.name, target)));
}

/** linkat(2): synchronous when the walks and the driver are. */
export function linkat(
  st: RkVfsState,
  odirfd: number,
  opath: string,
  ndirfd: number,
  npath: string,
  flags: number,
): RkFsResult<number> {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
  return runSteps(linkSteps(st, odirfd, opath, ndirfd, npath, flags));
}

function* linkSteps(
  st: RkVfsState,
  odirfd: number,
  opath: string,
  ndirfd: number,
  npath: string,
  flags: number,
): RkFsSteps<number> {
  let old: RkDentry | number;
  if (opath === '' && flags & AT_EMPTY_PATH) {
    const f = st.fds.get(odirfd);
    old = f ? f.dentry : -Errno.EBADF;
  } else old = yield* wait(st.resolve(odirfd, opath, (flags & AT_SYMLINK_FOLLOW) !== 0));
  if (typeof old === 'number') return old;
  const p = yield* wait(createParent(st, ndirfd, npath, false));
  if (typeof p === 'number') return p;
  if (p.dir.mount !== old.mount) return -Errno.EXDEV;
  if (old.type === S_IFDIR) return -Errno.EPERM;
  const n = yield* wait(old.mount.fs.link(old.node, p.dir.node, p.name));
  if (n < 0) return n;
  // cache the driver's own node for the new name: ramfs answers with the same node, 9pfs with one
  // of its own (a fid per name, as v9fs keeps fids per dentry), which outlives the old name's
  if (p.dir.mount.fs.caps.nameCache) yield* wait(lookupChild(p.dir, p.name, false));
  return 0;
}

/** Whether `d` is in use as a mount point or the root of a mount. */
const busy = (d: RkDentry) => d.mounted !== null || d.parent === null;

/** unlinkat(2) (unlink, rmdir): synchronous when the walk and the driver are. */
export function unlinkat(
  st: RkVfsState,
  dirfd: number,
  path: string,
  flags: number,
): RkFsResult<number> {
  if (flags & ~AT_REMOVEDIR) return -Errno.EINVAL;
  const p = st.resolveParent(dirfd, path);
  if (p instanceof Promise) return unlinkLater(p, flags);
  return unlinkIn(p, flags);
}

function unlinkLater(p: Promise<RkParent | number>, flags: number): Promise<number> {
  return p.then((q) => unlinkIn(q, flags));
}

function unlinkIn(p: RkParent | number, flags: number): RkFsResult<number> {
  if (typeof p === 'number') return p;
  const rmdir = (flags & AT_REMOVEDIR) !== 0;
  if (rmdir && p.name === '.') return -Errno.EINVAL;
  if (rmdir && p.name === '..') return -Errno.ENOTEMPTY;
  if (!isNormal(p.name)) return rmdir ? -Errno.EBUSY : -Errno.EISDIR;
  if (p.dir.mount.readonly) return -Errno.EROFS;
  const c = lookupLast(p);
  if (c instanceof Promise) return unlinkFoundLater(p, c, rmdir);
  return unlinkFound(p, c, rmdir);
}

function unlinkFoundLater(
  p: RkParent,
  c: Promise<RkDentry | number>,
  rmdir: boolean,
): Promise<number> {
  return c.then((x) => unlinkFound(p, x, rmdir));
}

function unlinkFound(p: RkParent, c: RkDentry | number, rmdir: boolean): RkFsResult<number> {
  if (typeof c === 'number') return c;
  if (rmdir) {
    if (c.type !== S_IFDIR) return -Errno.ENOTDIR;
    if (busy(c)) return -Errno.EBUSY;
  } else {
    if (c.type === S_IFDIR) return -Errno.EISDIR;
    if (p.slash) return -Errno.ENOTDIR;
  }
  const fs = p.dir.mount.fs;
  const r = rmdir ? fs.rmdir(p.dir.node, p.name, c.node) : fs.unlink(p.dir.node, p.name, c.node);
  if (r instanceof Promise) return unlinkedLater(c, r);
  return unlinked(c, r);
}

function unlinkedLater(c: RkDentry, r: Promise<number>): Promise<number> {
  return r.then((n) => unlinked(c, n));
}

function unlinked(c: RkDentry, n: number): number {
  if (n < 0) return n;
  c.unlink();
  return 0;
}

/** renameat2(2): synchronous when the walks and the driver are. */
export function renameat2(
  st: RkVfsState,
  odirfd: number,
  opath: string,
  ndirfd: number,
  npath: string,
  flags: number,
): RkFsResult<number> {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) return -Errno.EINVAL;
  if (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE) return -Errno.EINVAL;
  return runSteps(renameSteps(st, odirfd, opath, ndirfd, npath, flags));
}

function* renameSteps(
  st: RkVfsState,
  odirfd: number,
  opath: string,
  ndirfd: number,
  npath: string,
  flags: number,
): RkFsSteps<number> {
  const op = yield* wait(st.resolveParent(odirfd, opath));
  if (typeof op === 'number') return op;
  const np = yield* wait(st.resolveParent(ndirfd, npath));
  if (typeof np === 'number') return np;
  if (op.dir.mount !== np.dir.mount) return -Errno.EXDEV;
  if (!isNormal(op.name)) return -Errno.EBUSY;
  if (!isNormal(np.name)) return flags & RENAME_NOREPLACE ? -Errno.EEXIST : -Errno.EBUSY;
  if (op.dir.mount.readonly) return -Errno.EROFS;
  const old = yield* wait(lookupLast(op));
  if (typeof old === 'number') return old;
  const exchange = (flags & RENAME_EXCHANGE) !== 0;
  if (old.type !== S_IFDIR && !exchange && (op.slash || np.slash)) return -Errno.ENOTDIR;
  if (np.dir.isWithin(old)) return -Errno.EINVAL;
  const got = yield* wait(lookupLast(np));
  if (typeof got === 'number' && got !== -Errno.ENOENT) return got;
  const target = typeof got === 'number' ? null : got;
  if (exchange && !target) return -Errno.ENOENT;
  if (flags & RENAME_NOREPLACE && target) return -Errno.EEXIST;
  if (target && op.dir.isWithin(target)) return exchange ? -Errno.EINVAL : -Errno.ENOTEMPTY;
  if (target && target.node.ino === old.node.ino) return 0;
  if (target && !exchange) {
    if (old.type === S_IFDIR && target.type !== S_IFDIR) return -Errno.ENOTDIR;
    if (old.type !== S_IFDIR && target.type === S_IFDIR) return -Errno.EISDIR;
  }
  if (busy(old) || (target && busy(target))) return -Errno.EBUSY;
  const n = yield* wait(op.dir.mount.fs.rename(op.dir.node, op.name, np.dir.node, np.name, flags));
  if (n < 0) return n;
  if (exchange && target) {
    const oname = old.name;
    const odir = old.parent!;
    target.parent?.children?.delete(target.name);
    old.move(np.dir, np.name);
    target.move(odir, oname);
  } else old.move(np.dir, np.name);
  return 0;
}

/** readlinkat(2): synchronous when the walk and the driver are. */
export function readlinkat(
  st: RkVfsState,
  dirfd: number,
  path: string,
): RkFsResult<string | number> {
  return runSteps(readlinkSteps(st, dirfd, path));
}

function* readlinkSteps(st: RkVfsState, dirfd: number, path: string): RkFsSteps<string | number> {
  const d = yield* wait(st.resolve(dirfd, path, false));
  if (typeof d === 'number') return d;
  if (d.type !== S_IFLNK) return -Errno.EINVAL;
  return yield* wait(d.mount.fs.readlink(d.node));
}
