// Path resolution (Linux fs/namei.c semantics): ".", "..", symlinks (40 per resolution, ELOOP past
// it), mount crossings both ways, trailing slashes, empty paths (ENOENT), ENAMETOOLONG for a
// component over the fs's name limit or a path of PATH_MAX bytes or more.
import { Errno } from '@runikraft/errno';
import { MAXSYMLINKS, PATH_MAX, S_IFDIR, S_IFLNK } from './constants';
import type { RkDentry } from './dentry';
import type { RkFsNode } from './driver';

/** The path being resolved relative to: where "/" and ".." stop. */
export interface RkNameiRoot {
  readonly root: RkDentry;
}

/** Symlinks followed so far in one resolution (one system call). */
export interface RkLinkCount {
  links: number;
}

/** The directory holding the last component, the component itself and whether a "/" followed it. */
export interface RkParent {
  readonly dir: RkDentry;
  /** "" when the path has no last component ("/", "//"); may be "." or "..". */
  readonly name: string;
  readonly slash: boolean;
}

/** Whether `name` is an ordinary last component (Linux's LAST_NORM). */
export const isNormal = (name: string): boolean => name !== '' && name !== '.' && name !== '..';

// created on first use: the guest's TextEncoder exists only once rkboot has installed it
let encoder: InstanceType<typeof TextEncoder> | undefined;
/** Length in UTF-8 bytes (names and paths are limited in bytes, as on Linux). */
export function utf8Len(s: string): number {
  for (let i = 0; i < s.length; i++)
    if (s.charCodeAt(i) > 0x7f) return (encoder ??= new TextEncoder()).encode(s).length;
  return s.length;
}

/** Steps into whatever is mounted on `d`, repeatedly (mounts stack). */
export function enterMounts(d: RkDentry): RkDentry {
  while (d.mounted) d = d.mounted.root;
  return d;
}

/** "..": the parent, crossing from a mount's root to the parent of the dentry it covers. */
export function parentOf(d: RkDentry, root: RkDentry): RkDentry {
  for (;;) {
    if (d === root) return d;
    if (d.parent) return d.parent;
    const covered = d.mount.covered;
    if (!covered) return d;
    d = covered;
  }
}

/**
 * Looks `name` up in the directory `dir`, through the name cache when the driver allows it, and
 * steps into a mount on the result unless `enter` is false (unlink, rmdir, rename act on the mount point).
 */
export function lookupChild(
  dir: RkDentry,
  name: string,
  enter = true,
): RkDentry | number | Promise<RkDentry | number> {
  // synchronous when the name is cached or the driver answers at once (the open() fast path)
  const c = dir.cached(name);
  if (c) return enter && c.mounted ? enterMounts(c) : c;
  const r = dir.mount.fs.lookup(dir.node, name);
  if (r instanceof Promise) return adoptLater(dir, name, r, enter);
  return adoptChild(dir, name, r, enter);
}

// The continuations of a driver that waits live in functions of their own, so the synchronous
// path's functions capture nothing (no context object per call).
function adoptLater(
  dir: RkDentry,
  name: string,
  r: Promise<RkFsNode | number>,
  enter: boolean,
): Promise<RkDentry | number> {
  return r.then((n) => adoptChild(dir, name, n, enter));
}

function adoptChild(
  dir: RkDentry,
  name: string,
  r: RkFsNode | number,
  enter: boolean,
): RkDentry | number {
  if (typeof r === 'number') return r;
  const d = dir.adopt(name, r);
  return enter && d.mounted ? enterMounts(d) : d;
}

/** The last component of `p` (an ordinary name) without following a symlink or entering a mount. */
export function lookupLast(p: RkParent): RkDentry | number | Promise<RkDentry | number> {
  const max = p.dir.mount.nameMax;
  if (p.name.length * 3 > max && utf8Len(p.name) > max) return -Errno.ENAMETOOLONG;
  return lookupChild(p.dir, p.name, false);
}

function step(
  ns: RkNameiRoot,
  dir: RkDentry,
  name: string,
  follow: boolean,
  count: RkLinkCount,
): RkDentry | number | Promise<RkDentry | number> {
  if (name === '.') return dir;
  if (name === '..') return parentOf(dir, ns.root);
  if (name.length * 3 > dir.mount.nameMax && utf8Len(name) > dir.mount.nameMax)
    return -Errno.ENAMETOOLONG;
  const c = lookupChild(dir, name);
  if (c instanceof Promise) return stepLater(ns, dir, c, follow, count);
  return afterStep(ns, dir, c, follow, count);
}

function stepLater(
  ns: RkNameiRoot,
  dir: RkDentry,
  c: Promise<RkDentry | number>,
  follow: boolean,
  count: RkLinkCount,
): Promise<RkDentry | number> {
  return c.then((d) => afterStep(ns, dir, d, follow, count));
}

function afterStep(
  ns: RkNameiRoot,
  dir: RkDentry,
  c: RkDentry | number,
  follow: boolean,
  count: RkLinkCount,
): RkDentry | number | Promise<RkDentry | number> {
  if (typeof c === 'number' || !follow || c.type !== S_IFLNK) return c;
  return followLink(ns, dir, c, count);
}

/**
 * Resolves the target of the symlink `link` found in `dir` (which counts toward the 40):
 * synchronous when the driver's readlink and the walk are.
 */
export function followLink(
  ns: RkNameiRoot,
  dir: RkDentry,
  link: RkDentry,
  count: RkLinkCount,
): Maybe<RkDentry | number> {
  if (++count.links > MAXSYMLINKS) return -Errno.ELOOP;
  const target = link.mount.fs.readlink(link.node);
  if (target instanceof Promise) return target.then((t) => linkTarget(ns, dir, t, count));
  return linkTarget(ns, dir, target, count);
}

function linkTarget(
  ns: RkNameiRoot,
  dir: RkDentry,
  target: string | number,
  count: RkLinkCount,
): Maybe<RkDentry | number> {
  if (typeof target === 'number') return target;
  return namei(ns, dir, target, true, count);
}

type Maybe<T> = T | Promise<T>;
const SLASH = 47;
const DOT = 46;

/**
 * Resolves every component but the last. `base` is the directory a relative path starts from.
 * Synchronous while every component is cached (or the driver answers at once): open()'s fast path.
 * The path is scanned in place (no split array): the components are the only strings made, and a
 * path of one component is its own last name.
 */
export function nameiParent(
  ns: RkNameiRoot,
  base: RkDentry,
  path: string,
  count: RkLinkCount,
): Maybe<RkParent | number> {
  if (path.length === 0) return -Errno.ENOENT;
  if (path.length * 3 >= PATH_MAX && utf8Len(path) >= PATH_MAX) return -Errno.ENAMETOOLONG;
  if (path.includes('\0')) return -Errno.EINVAL; // a C caller's path ends at NUL; one inside is a bug
  const cur = path.charCodeAt(0) === SLASH ? ns.root : base;
  if (cur.type !== S_IFDIR) return -Errno.ENOTDIR;
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
  if (end === 0) return { dir: cur, name: '', slash: true };
  // The last component is [last, end); everything before it is walked.
  const last = path.lastIndexOf('/', end - 1) + 1;
  return walk(ns, cur, path, 0, last, end, count);
}

/** Walks the components of `path` in [from, last) from `cur`; `last` starts the last component, which ends at `end`. */
function walk(
  ns: RkNameiRoot,
  cur: RkDentry,
  path: string,
  from: number,
  last: number,
  end: number,
  count: RkLinkCount,
): Maybe<RkParent | number> {
  let i = from;
  while (i < last) {
    // [i, j) is a component; the '/' at last - 1 bounds the search
    const j = path.indexOf('/', i);
    const n = j - i;
    const at = i;
    i = j + 1;
    if (n === 0 || (n === 1 && path.charCodeAt(at) === DOT)) continue;
    const next = step(ns, cur, path.slice(at, j), true, count);
    if (next instanceof Promise) return walkLater(ns, next, path, i, last, end, count);
    if (typeof next === 'number') return next;
    if (next.type !== S_IFDIR) return -Errno.ENOTDIR;
    cur = next;
  }
  return { dir: cur, name: path.slice(last, end), slash: end < path.length };
}

function walkLater(
  ns: RkNameiRoot,
  next: Promise<RkDentry | number>,
  path: string,
  from: number,
  last: number,
  end: number,
  count: RkLinkCount,
): Promise<RkParent | number> {
  return next.then((n) => {
    if (typeof n === 'number') return n;
    if (n.type !== S_IFDIR) return -Errno.ENOTDIR;
    return walk(ns, n, path, from, last, end, count);
  });
}

/** Resolves the last component found by nameiParent; a trailing slash follows and requires a directory. */
export function nameiLast(
  ns: RkNameiRoot,
  p: RkParent,
  follow: boolean,
  count: RkLinkCount,
): Maybe<RkDentry | number> {
  if (p.name === '') return p.dir;
  const d = step(ns, p.dir, p.name, follow || p.slash, count);
  if (d instanceof Promise) return lastCheckLater(p, d);
  return lastCheck(p, d);
}

function lastCheckLater(p: RkParent, d: Promise<RkDentry | number>): Promise<RkDentry | number> {
  return d.then((x) => lastCheck(p, x));
}

function lastCheck(p: RkParent, d: RkDentry | number): RkDentry | number {
  if (typeof d === 'number') return d;
  if (p.slash && d.type !== S_IFDIR) return -Errno.ENOTDIR;
  return d;
}

/** Resolves a whole path; `follow` says whether a final symlink is followed. */
export function namei(
  ns: RkNameiRoot,
  base: RkDentry,
  path: string,
  follow: boolean,
  count: RkLinkCount = { links: 0 },
): Maybe<RkDentry | number> {
  const p = nameiParent(ns, base, path, count);
  if (p instanceof Promise) return nameiLater(ns, p, follow, count);
  if (typeof p === 'number') return p;
  return nameiLast(ns, p, follow, count);
}

function nameiLater(
  ns: RkNameiRoot,
  p: Promise<RkParent | number>,
  follow: boolean,
  count: RkLinkCount,
): Promise<RkDentry | number> {
  return p.then((q) => (typeof q === 'number' ? q : nameiLast(ns, q, follow, count)));
}

/** The absolute path of `d` (getcwd), crossing mounts upward. */
export function pathOf(d: RkDentry, root: RkDentry): string {
  const parts: string[] = [];
  for (;;) {
    if (d === root) break;
    if (d.parent) {
      parts.push(d.name);
      d = d.parent;
      continue;
    }
    const covered = d.mount.covered;
    if (!covered) break;
    d = covered;
  }
  return `/${parts.reverse().join('/')}`;
}
