// A 9pfs node: the file's fid (walked, never opened — opens clone it) and its qid; one per name
// (P9fs keeps cache=loose attributes per inode). The vfscore ino is the qid path (the server's inode number).
import type { RkP9Attr, RkP9Fid, RkP9Qid } from '@runikraft/rk9p';
import { P9_QTDIR, P9_QTSYMLINK } from '@runikraft/rk9p';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '@runikraft/vfscore';
import type { RkFsAttr, RkFsNode } from '@runikraft/vfscore/driver';

export class P9Node implements RkFsNode {
  /** The rename epoch its fid was walked in (see P9fs.fidOf). */
  epoch = 0;
  /** vfscore released it and its fid was clunked (walked again if it is used once more). */
  released = false;
  /** The fid Tlcreate opened (read-write), handed to the first open() after create. */
  pendingOpen: RkP9Fid | null = null;
  /** cache=loose, a directory: the Tlopen'ed fid its opens share (clunked when it is released). */
  dirFid: RkP9Fid | null = null;
  /**
   * Fids of its open handles and whether each can write: getattr/setattr go through one when there
   * is one, so fstat/ftruncate work on an unlinked open file (Linux v9fs uses the open fid too).
   */
  readonly opened = new Map<RkP9Fid, boolean>();

  constructor(
    readonly ino: number,
    readonly type: number,
    /**
     * A walked fid for the file (path-based servers: valid until a rename moves it); null until
     * one is needed for a node made by create or mkdir, and after vfscore released it.
     */
    public fid: RkP9Fid | null,
    /** The directory it was found in (null for the root) and its name there. */
    public parent: P9Node | null,
    public name: string,
  ) {}

  /** The ino of its directory (for ".."). */
  get parentIno(): number {
    return this.parent ? this.parent.ino : this.ino;
  }

  /** Names from the root to this node. */
  path(): string[] {
    const out: string[] = [];
    for (let n: P9Node | null = this; n?.parent; n = n.parent) out.push(n.name);
    return out.reverse();
  }
}

/** A qid path as a vfscore ino: exact up to 2^53, folded above (inode numbers are far smaller). */
export function inoOf(q: RkP9Qid): number {
  return q.path <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(q.path)
    : Number(q.path % BigInt(Number.MAX_SAFE_INTEGER));
}

/** The file type from a qid when the server's mode is not at hand. */
export function typeOfQid(q: RkP9Qid): number {
  return q.type & P9_QTDIR ? S_IFDIR : q.type & P9_QTSYMLINK ? S_IFLNK : S_IFREG;
}

/** Rgetattr → struct stat. */
export function fillAttr(a: RkP9Attr, out: RkFsAttr): void {
  out.ino = inoOf(a.qid);
  out.mode = a.mode;
  out.nlink = a.nlink;
  out.uid = a.uid;
  out.gid = a.gid;
  out.rdev = a.rdev;
  out.size = a.size;
  out.blocks = a.blocks;
  out.blksize = a.blksize;
  out.atime = { sec: a.atimeSec, nsec: a.atimeNsec };
  out.mtime = { sec: a.mtimeSec, nsec: a.mtimeNsec };
  out.ctime = { sec: a.ctimeSec, nsec: a.ctimeNsec };
}

export function typeOfMode(mode: number): number {
  return mode & S_IFMT;
}
