// The state every vfscore call works on: file-system types, the mount table, the root and working
// directories, the descriptor table and the umask; plus the lookups the calls share.
import { Errno } from '@runikraft/errno';
import type { RkStat } from './api';
import { AT_FDCWD, S_IFDIR } from './constants';
import type { RkDentry, RkMount } from './dentry';
import type { RkFsAttr, RkFsEnv, RkFsResult, RkFsTime, RkFsType } from './driver';
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

  /**
   * stat of a dentry's node (synchronous when the driver's getattr is). The driver fills the
   * RkStat itself (a superset of RkFsAttr): one object per call.
   */
  statOf(d: RkDentry): RkFsResult<RkStat | number> {
    const a = newStat(d.mount.id);
    const r = d.mount.fs.getattr(d.node, a);
    if (r instanceof Promise) return statLater(r, a);
    return r < 0 ? r : a;
  }
}

function statLater(r: Promise<number>, a: RkStat): Promise<RkStat | number> {
  return r.then((n) => (n < 0 ? n : a));
}

/** Drivers replace the time objects they report (never write into them), so one zero time serves every fresh attr. */
const ZERO_TIME: RkFsTime = Object.freeze({ sec: 0, nsec: 0 });

function newStat(dev: number): RkStat {
  return {
    dev,
    ino: 0,
    mode: 0,
    nlink: 0,
    uid: 0,
    gid: 0,
    rdev: 0,
    size: 0,
    blksize: 0,
    blocks: 0,
    atime: ZERO_TIME,
    mtime: ZERO_TIME,
    ctime: ZERO_TIME,
  };
}

export function newAttr(): RkFsAttr {
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
    atime: ZERO_TIME,
    mtime: ZERO_TIME,
    ctime: ZERO_TIME,
  };
}
