// The state every vfscore call works on: file-system types, the mount table, the root and working
// directories, the descriptor table and the umask; plus the lookups the calls share.
import { Errno } from '@runikraft/errno';
import type { RkStat } from './api';
import { AT_FDCWD, S_IFDIR } from './constants';
import type { RkDentry, RkMount } from './dentry';
import type { RkFsAttr, RkFsEnv, RkFsResult, RkFsType } from './driver';
import { RkFdTable, type RkFile } from './file';
import { namei, nameiParent, type RkLinkCount, type RkNameiRoot, type RkParent } from './namei';

export class RkVfsState implements RkNameiRoot {
  readonly fsTypes = new Map<string, RkFsType>();
  readonly mountList: RkMount[] = [];
  readonly fds: RkFdTable;
  /** The root mount's root; unset until "/" is mounted. */
  private rootDentry: RkDentry | null = null;
  cwd: RkDentry | null = null;
  umask = 0o022;
  nextMountId = 1;

  constructor(
    readonly env: RkFsEnv,
    nofile?: number,
  ) {
    this.fds = new RkFdTable(nofile);
  }

  get root(): RkDentry {
    return this.rootDentry!;
  }
  get hasRoot(): boolean {
    return this.rootDentry !== null;
  }
  setRoot(d: RkDentry): void {
    this.rootDentry = d;
    this.cwd = d;
    d.refs++;
    d.mount.busy++;
  }

  /** The directory a *at() path starts from: "/" for absolute paths, the cwd, or `dirfd`'s directory. */
  base(dirfd: number, path: string): RkDentry | number {
    if (!this.rootDentry) return -Errno.ENOENT;
    if (path.charCodeAt(0) === 47) return this.rootDentry;
    if (dirfd === AT_FDCWD) return this.cwd!;
    const f = this.fds.get(dirfd);
    if (!f) return -Errno.EBADF;
    if (path !== '' && f.dentry.type !== S_IFDIR) return -Errno.ENOTDIR;
    return f.dentry;
  }

  /** Resolves `path` relative to `dirfd`. */
  resolve(
    dirfd: number,
    path: string,
    follow: boolean,
  ): RkDentry | number | Promise<RkDentry | number> {
    const b = this.base(dirfd, path);
    if (typeof b === 'number') return b;
    return namei(this, b, path, follow);
  }

  /** Resolves all but the last component of `path` relative to `dirfd`. */
  resolveParent(
    dirfd: number,
    path: string,
    count: RkLinkCount = { links: 0 },
  ): RkParent | number | Promise<RkParent | number> {
    const b = this.base(dirfd, path);
    if (typeof b === 'number') return b;
    return nameiParent(this, b, path, count);
  }

  /** The open file behind `fd`, or -EBADF. */
  file(fd: number): RkFile | number {
    return this.fds.get(fd) ?? -Errno.EBADF;
  }

  /** stat of a dentry's node (synchronous when the driver's getattr is). */
  statOf(d: RkDentry): RkFsResult<RkStat | number> {
    const a = newAttr();
    const r = d.mount.fs.getattr(d.node, a);
    return r instanceof Promise ? r.then((n) => statFrom(d, a, n)) : statFrom(d, a, r);
  }
}

function statFrom(d: RkDentry, a: RkFsAttr, r: number): RkStat | number {
  if (r < 0) return r;
  return {
    dev: d.mount.id,
    ino: a.ino,
    mode: a.mode,
    nlink: a.nlink,
    uid: a.uid,
    gid: a.gid,
    rdev: a.rdev,
    size: a.size,
    blksize: a.blksize,
    blocks: a.blocks,
    atime: a.atime,
    mtime: a.mtime,
    ctime: a.ctime,
  };
}

export function newAttr(): RkFsAttr {
  const t = { sec: 0, nsec: 0 };
  return {
    ino: 0,
    mode: 0,
    nlink: 0,
    uid: 0,
    gid: 0,
    rdev: 0,
    size: 0,
    blocks: 0,
    blksize: 0,
    atime: t,
    mtime: t,
    ctime: t,
  };
}
