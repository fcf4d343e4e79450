// 9pfs (Unikraft lib/9pfs, Linux fs/9p vfs_inode_dotl.c): vfscore's driver contract over rk9p.
// Nodes hold walked fids; open clones and Tlopens them; errors are the server's errno, negated.
import { Errno, RkError } from '@runikraft/errno';
import {
  P9_AT_REMOVEDIR,
  P9_DOTL,
  P9_GETATTR_BASIC,
  P9_SETATTR_ATIME,
  P9_SETATTR_ATIME_SET,
  P9_SETATTR_CTIME,
  P9_SETATTR_GID,
  P9_SETATTR_MODE,
  P9_SETATTR_MTIME,
  P9_SETATTR_MTIME_SET,
  P9_SETATTR_SIZE,
  P9_SETATTR_UID,
  p9drive,
  p9wait,
  type RkP9Attr,
  type RkP9Client,
  type RkP9Fid,
  type RkP9Op,
  type RkP9Result,
  type RkP9SetAttr,
} from '@runikraft/rk9p';
import {
  DT_DIR,
  O_ACCMODE,
  O_RDONLY,
  RENAME_EXCHANGE,
  RkWriteBehind,
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
} from '@runikraft/vfscore';
import type {
  RkFs,
  RkFsAttr,
  RkFsCaps,
  RkFsDirSink,
  RkFsResult,
  RkFsSetattr,
  RkFsStatfs,
  RkFsTime,
} from '@runikraft/vfscore/driver';
import { p9ReadFull, p9WriteFull } from './io';
import { fillAttr, inoOf, P9Node, typeOfMode } from './node';
import type { P9fsCache } from './options';
import { P9ReadAhead } from './readahead';

/** cache=loose write-behind: bytes and runs held per mount. */
const BEHIND_BYTES = 1 << 20;
const BEHIND_RUNS = 64;

/** cache=loose: names remembered as absent at most (all are forgotten when it is reached). */
const MISSING_MAX = 1024;

/** statfs f_type of a 9p mount (Linux V9FS_MAGIC). */
export const V9FS_MAGIC = 0x01021997;

/** An open file: a Tlopen'ed clone of the node's fid; readdir cookies map to the server's. */
export interface P9Handle {
  readonly node: P9Node;
  /** Its open fid; for a directory under cache=loose the node's held one until it lists (shared). */
  fid: RkP9Fid;
  /** `fid` is the node's held directory fid (not clunked by close; readdir opens its own). */
  shared?: boolean;
  /** Server cookie after the n-th listed entry is cookies[n − 3] (1 and 2 are "." and ".."). */
  readonly cookies: bigint[];
}

/** Maps a thrown rk9p error to -errno (protocol failures are -EIO, as Linux reports them). */
function neg(e: unknown): number {
  if (!(e instanceof RkError)) throw e;
  if (e.errno === Errno.EBADMSG || e.errno === Errno.EPROTO || e.errno === Errno.ENOTCONN)
    return -Errno.EIO;
  return -e.errno;
}

export class P9fs implements RkFs<P9Node, P9Handle> {
  readonly caps: RkFsCaps;
  /** diod 1.0.24 answers Tunlinkat/Trenameat with EOPNOTSUPP: after the first, go straight to the fallback. */
  private noUnlinkat = false;
  private noRenameat = false;
  /** cache=loose: names known to be absent, by directory ino (see absent()). */
  private readonly missing = new Map<number, Set<string>>();
  private missingCount = 0;
  /** Bumped by every rename: fids walked before may name the old path (diod's fids are paths). */
  private epoch = 0;
  /** One node per (directory ino, name), so a rename can move the node vfscore holds. */
  private readonly byName = new Map<string, P9Node>();
  /**
   * cache=loose: the attributes last seen, by inode (qid path) — shared by every name of a file, as
   * Linux's v9fs finds one inode per qid — and dropped by any change through any name.
   */
  private readonly attrs = new Map<number, RkFsAttr>();
  /**
   * cache=loose: the size of files created through this mount whose attributes were never fetched
   * (a new file is empty; this mount's writes grow it), dropped with their attributes. A read at or
   * past it is 0 without a Tread (SQLite probes past its new journal's end before each sync).
   */
  private readonly sizes = new Map<number, number>();
  /**
   * Bumped by every invalidation: a Tgetattr answered after a change began (another thread's
   * request, while this one was parked) may carry the old attributes, so it is not cached.
   */
  private changes = 0;
  /**
   * Bumped by every change that may alter file data other than a write through this mount (which
   * updates the read-ahead windows itself): truncation, unlink, rename, creation. Read-ahead windows
   * fetched before are stale.
   */
  private dataChanges = 0;
  /**
   * Fids to clunk before the next request: never sent beside another request of the same call, as
   * a thread parks once at a time (a second rpc started without awaiting it parks the thread twice,
   * which rksched refuses with EINVAL).
   */
  private readonly clunks: RkP9Fid[] = [];
  /** cache=loose: data read ahead of sequential reads, by inode. */
  private readonly ahead = new P9ReadAhead();
  /**
   * cache=loose: small writes held back (vfscore's RkWriteBehind), by node, sent as Twrites of up
   * to msize before any other request (guard) and by fsync and close, as Linux's v9fs writes back
   * its dirty pages in a caching mode.
   */
  private readonly behind = new RkWriteBehind<P9Node>(BEHIND_BYTES, BEHIND_RUNS);
  /** The held writes on their way (another request waits for them). */
  private sending: Promise<void> | null = null;

  constructor(
    readonly client: RkP9Client,
    readonly root: P9Node,
    readonly cache: P9fsCache,
    readonly readonly: boolean,
    /** The guest wall clock: mtime/ctime of writes under cache=loose (see grown()). */
    private readonly now: () => RkFsTime,
  ) {
    this.caps = { nameCache: cache === 'loose', nameMax: 255 };
    if (!root.fid) throw new RkError(Errno.EINVAL, '9pfs: the root node needs its attached fid');
    this.rootFid = root.fid;
  }
  /** The attached fid of the share's root (never clunked before unmount). */
  private readonly rootFid: RkP9Fid;

  /**
   * Runs `op` after the queued clunks and the held writes (so no request sees the server without
   * them), mapping a thrown rk9p error to -errno: its result directly when no request had to wait
   * (the machine's virtio-9p answers inside the notify), else a Promise.
   */
  private guard<T>(op: RkP9Op<T>): RkFsResult<T | number> {
    let r: RkP9Result<T>;
    try {
      r = p9drive(this.guarded(op));
    } catch (e) {
      return neg(e);
    }
    return r instanceof Promise ? r.catch(neg) : r;
  }

  private *guarded<T>(op: RkP9Op<T>): RkP9Op<T> {
    for (let fid = this.clunks.pop(); fid; fid = this.clunks.pop())
      if (this.client.dev.connected) yield* this.forget(fid);
    if (this.sending || !this.behind.empty) yield* this.sendHeld();
    return yield* op;
  }

  /** Tclunk whose failure is not the caller's (the fid is released either way; a server fid leaks). */
  private *forget(fid: RkP9Fid): RkP9Op<void> {
    try {
      yield* p9wait(this.client.clunk(fid));
    } catch {
      // nothing to report: the request that needed the fid is over
    }
  }

  /**
   * Walks to `name` and learns its type and ino (Twalk + Tgetattr, as v9fs_vfs_lookup); under
   * cache=loose a name known to be absent is ENOENT at once.
   */
  lookup(dir: P9Node, name: string): RkFsResult<P9Node | number> {
    if (this.missing.get(dir.ino)?.has(name)) return -Errno.ENOENT;
    return this.guard(this.nodeAt(dir, name));
  }

  private *nodeAt(dir: P9Node, name: string): RkP9Op<P9Node> {
    const dfid = yield* this.fidOf(dir);
    const before = this.changes;
    let fid: RkP9Fid;
    try {
      fid = yield* p9wait(this.client.walk(dfid, [name]));
    } catch (e) {
      // not if a change began meanwhile: it may have made the name
      if (e instanceof RkError && e.errno === Errno.ENOENT && before === this.changes)
        this.absent(dir, name);
      throw e;
    }
    let a: RkP9Attr;
    const seen = this.changes;
    try {
      a = yield* p9wait(this.client.getattr(fid, P9_GETATTR_BASIC));
    } catch (e) {
      yield* this.forget(fid);
      throw e;
    }
    const node = this.adopt(dir, name, fid, inoOf(a.qid), typeOfMode(a.mode));
    if (this.cache === 'loose' && seen === this.changes) {
      const attr = emptyAttr();
      fillAttr(a, attr);
      this.attrs.set(node.ino, attr);
    }
    return node;
  }

  /**
   * cache=loose: `name` in directory `dir` is known not to exist (a walk found nothing, or this mount
   * removed it), as Linux's v9fs keeps negative dentries valid in a caching mode.
   */
  private absent(dir: P9Node, name: string): void {
    if (this.cache !== 'loose') return;
    if (this.missingCount >= MISSING_MAX) {
      this.missing.clear();
      this.missingCount = 0;
    }
    let names = this.missing.get(dir.ino);
    if (!names) this.missing.set(dir.ino, (names = new Set()));
    if (!names.has(name)) {
      names.add(name);
      this.missingCount++;
    }
  }

  /** `name` in `dir` exists now (made or moved there through this mount). */
  private present(dir: P9Node, name: string): void {
    const names = this.missing.get(dir.ino);
    if (names?.delete(name)) this.missingCount--;
  }

  /**
   * The one node for `dir/name` (reused when it names the same file), now holding `fid` (null: walked
   * when first needed).
   */
  private adopt(dir: P9Node, name: string, fid: RkP9Fid | null, ino: number, type: number): P9Node {
    const key = `${dir.ino}/${name}`;
    this.present(dir, name);
    let node = this.byName.get(key);
    if (node && node.ino === ino && node.type === type) {
      if (node.fid) this.clunks.push(node.fid);
      node.fid = fid;
      node.released = false;
      node.parent = dir;
    } else {
      node = new P9Node(ino, type, fid, dir, name);
      this.byName.set(key, node);
    }
    node.epoch = this.epoch;
    this.attrs.delete(ino);
    this.sizes.delete(ino);
    this.ahead.forget(ino); // a new file may have the number of one removed earlier
    return node;
  }

  /**
   * The node's fid, walked again from the root by its current path when a rename happened since it
   * was walked: on a path-based server (diod) a fid keeps naming the old path, on others this is a
   * harmless fresh walk; a released node, or one made without a fid, is walked now. A node whose
   * path no longer resolves keeps its old fid (ENOENT if it has none).
   */
  private *fidOf(n: P9Node): RkP9Op<RkP9Fid> {
    // released: its fid was clunked, yet another dentry may still hold it (a hard link's name);
    // no fid: made by create or mkdir, walked the first time it is needed
    if (!n.parent) return this.rootFid;
    if (n.fid && n.epoch === this.epoch && !n.released) return n.fid;
    const epoch = this.epoch;
    try {
      const fid = yield* p9wait(this.client.walk(this.rootFid, n.path()));
      if (n.fid) yield* this.forget(n.fid);
      n.fid = fid;
      n.released = false;
    } catch (e) {
      if (!(e instanceof RkError) || e.errno !== Errno.ENOENT || !n.fid) throw e;
    }
    n.epoch = epoch;
    return n.fid!;
  }

  private ro(): number | null {
    return this.readonly ? -Errno.EROFS : null;
  }

  /**
   * Runs the change `op` with the nodes' cached attributes dropped before and after it (and the
   * read-ahead windows unless `metaOnly`).
   */
  private *changing<T>(nodes: P9Node[], op: RkP9Op<T>, metaOnly = false): RkP9Op<T> {
    if (metaOnly) this.touchedMeta(nodes);
    else this.touched(...nodes);
    try {
      return yield* op;
    } finally {
      if (metaOnly) this.touchedMeta(nodes);
      else this.touched(...nodes);
    }
  }

  private touched(...nodes: P9Node[]): void {
    this.dataChanges++;
    this.touchedMeta(nodes);
  }

  /** A change of attributes alone (times, mode, owner): file data and read-ahead stay. */
  private touchedMeta(nodes: P9Node[]): void {
    this.changes++;
    for (const n of nodes) {
      this.attrs.delete(n.ino);
      this.sizes.delete(n.ino);
    }
  }

  create(dir: P9Node, name: string, mode: number): RkFsResult<P9Node | number> {
    return this.ro() ?? this.guard(this.createOp(dir, name, mode));
  }

  private *createOp(dir: P9Node, name: string, mode: number): RkP9Op<P9Node> {
    // Tlcreate turns a clone of the directory's fid into the new file, open read-write: it is
    // kept for the open() that follows a creating open(2), as Linux's v9fs does
    const f = yield* p9wait(this.client.walk(yield* this.fidOf(dir), []));
    try {
      yield* p9wait(
        this.client.lcreate(
          f,
          name,
          P9_DOTL.O_RDWR | P9_DOTL.O_CREAT | P9_DOTL.O_EXCL,
          mode & 0o7777,
        ),
      );
    } catch (e) {
      yield* this.forget(f);
      throw e;
    }
    this.touchedMeta([dir]); // a new inode: adopt() drops any window of its number
    // the node's own (unopened) fid is walked only if something needs it: a file created,
    // written through its open fid, closed and unlinked (SQLite's journal) never does
    const node = this.adopt(dir, name, null, inoOf(f.qid), S_IFREG);
    if (this.cache === 'loose') this.sizes.set(node.ino, 0); // O_EXCL: made empty here
    if (node.pendingOpen) yield* this.forget(node.pendingOpen);
    node.pendingOpen = f;
    return node;
  }

  mkdir(dir: P9Node, name: string, mode: number): RkFsResult<P9Node | number> {
    return this.ro() ?? this.guard(this.mkdirOp(dir, name, mode));
  }

  private *mkdirOp(dir: P9Node, name: string, mode: number): RkP9Op<P9Node> {
    const qid = yield* p9wait(this.client.mkdir(yield* this.fidOf(dir), name, mode & 0o7777));
    this.touchedMeta([dir]); // a new inode: adopt() drops any window of its number
    // Rmkdir's qid gives the type and ino; the fid is walked when first needed, the
    // attributes fetched when asked (SQLite's lock directory needs one utimes, no stat)
    return this.adopt(dir, name, null, inoOf(qid), S_IFDIR);
  }

  symlink(dir: P9Node, name: string, target: string): RkFsResult<P9Node | number> {
    return this.ro() ?? this.guard(this.symlinkOp(dir, name, target));
  }

  private *symlinkOp(dir: P9Node, name: string, target: string): RkP9Op<P9Node> {
    yield* p9wait(this.client.symlink(yield* this.fidOf(dir), name, target));
    this.touchedMeta([dir]); // a new inode: adopt() drops any window of its number
    return yield* this.nodeAt(dir, name);
  }

  mknod(dir: P9Node, name: string, mode: number, rdev: number): RkFsResult<P9Node | number> {
    return this.ro() ?? this.guard(this.mknodOp(dir, name, mode, rdev));
  }

  private *mknodOp(dir: P9Node, name: string, mode: number, rdev: number): RkP9Op<P9Node> {
    // Linux dev_t: major in bits 8..19 (and 32..43), minor in 0..7 and 20..31
    const major = ((rdev >>> 8) & 0xfff) >>> 0;
    const minor = ((rdev & 0xff) | ((rdev >>> 12) & 0xfff00)) >>> 0;
    yield* p9wait(this.client.mknod(yield* this.fidOf(dir), name, mode, major, minor));
    this.touchedMeta([dir]); // a new inode: adopt() drops any window of its number
    return yield* this.nodeAt(dir, name);
  }

  link(node: P9Node, dir: P9Node, name: string): RkFsResult<number> {
    return this.ro() ?? this.guard(this.changing([dir, node], this.linkOp(node, dir, name), true));
  }

  private *linkOp(node: P9Node, dir: P9Node, name: string): RkP9Op<number> {
    const dfid = yield* this.fidOf(dir);
    yield* p9wait(this.client.link(dfid, yield* this.fidOf(node), name));
    this.present(dir, name);
    return 0;
  }

  unlink(dir: P9Node, name: string, node: P9Node): RkFsResult<number> {
    return (
      this.ro() ?? this.guard(this.changing([dir, node], this.unlinkAt(dir, name, 0, node), true))
    );
  }

  rmdir(dir: P9Node, name: string, node: P9Node): RkFsResult<number> {
    return this.ro() ?? this.guard(this.changing([dir, node], this.rmdirOp(dir, name, node), true));
  }

  private *rmdirOp(dir: P9Node, name: string, node: P9Node): RkP9Op<number> {
    const r = yield* this.unlinkAt(dir, name, P9_AT_REMOVEDIR, node);
    // its names are gone with it (a directory made later may get its ino)
    const names = this.missing.get(node.ino);
    if (names) {
      this.missingCount -= names.size;
      this.missing.delete(node.ino);
    }
    return r;
  }

  /** Tunlinkat, or Twalk + Tremove where the server lacks it (Linux v9fs_remove does the same). */
  private *unlinkAt(dir: P9Node, name: string, flags: number, node: P9Node): RkP9Op<number> {
    const dfid = yield* this.fidOf(dir);
    let done = false;
    if (!this.noUnlinkat) {
      try {
        yield* p9wait(this.client.unlinkat(dfid, name, flags));
        done = true;
      } catch (e) {
        if (!(e instanceof RkError) || e.errno !== Errno.EOPNOTSUPP) throw e;
        this.noUnlinkat = true;
      }
    }
    if (!done) yield* p9wait(this.client.remove(yield* p9wait(this.client.walk(dfid, [name]))));
    this.byName.delete(`${dir.ino}/${name}`);
    this.absent(dir, name);
    this.ahead.forget(node.ino);
    return 0;
  }

  rename(odir: P9Node, oname: string, ndir: P9Node, nname: string, flags: number) {
    if (flags & RENAME_EXCHANGE) return -Errno.EINVAL; // 9P2000.L has no exchange
    return this.ro() ?? this.guard(this.renameOp(odir, oname, ndir, nname));
  }

  private *renameOp(odir: P9Node, oname: string, ndir: P9Node, nname: string): RkP9Op<number> {
    this.touched(odir, ndir);
    const ofid = yield* this.fidOf(odir);
    const nfid = yield* this.fidOf(ndir);
    let done = false;
    if (!this.noRenameat) {
      try {
        yield* p9wait(this.client.renameat(ofid, oname, nfid, nname));
        done = true;
      } catch (e) {
        if (!(e instanceof RkError) || e.errno !== Errno.EOPNOTSUPP) throw e;
        this.noRenameat = true;
      }
    }
    if (!done) {
      const f = yield* p9wait(this.client.walk(ofid, [oname]));
      try {
        yield* p9wait(this.client.rename(f, nfid, nname));
      } finally {
        yield* this.forget(f);
      }
    }
    this.moved(odir, oname, ndir, nname);
    this.present(ndir, nname);
    this.absent(odir, oname);
    this.touched(odir, ndir);
    return 0;
  }

  readlink(node: P9Node): RkFsResult<string | number> {
    if (node.type !== S_IFLNK) return -Errno.EINVAL;
    return this.guard(this.readlinkOp(node));
  }

  private *readlinkOp(node: P9Node): RkP9Op<string> {
    return yield* p9wait(this.client.readlink(yield* this.fidOf(node)));
  }

  getattr(node: P9Node, out: RkFsAttr): RkFsResult<number> {
    // writes held back are in the cached attributes already (grown())
    const cached = this.attrs.get(node.ino);
    if (cached) {
      copyAttr(cached, out);
      return 0;
    }
    return this.guard(this.getattrOp(node, out));
  }

  private *getattrOp(node: P9Node, out: RkFsAttr): RkP9Op<number> {
    const fid = yield* this.attrFid(node, false);
    const seen = this.changes;
    fillAttr(yield* p9wait(this.client.getattr(fid, P9_GETATTR_BASIC)), out);
    if (this.cache === 'loose' && seen === this.changes) {
      const attr = emptyAttr();
      copyAttr(out, attr);
      this.attrs.set(node.ino, attr);
    }
    return 0;
  }

  setattr(node: P9Node, set: RkFsSetattr): RkFsResult<number> {
    const r = this.ro();
    if (r !== null) return r;
    const a: RkP9SetAttr = { valid: P9_SETATTR_CTIME };
    if (set.mode !== undefined) [a.valid, a.mode] = [a.valid | P9_SETATTR_MODE, set.mode];
    if (set.uid !== undefined) [a.valid, a.uid] = [a.valid | P9_SETATTR_UID, set.uid];
    if (set.gid !== undefined) [a.valid, a.gid] = [a.valid | P9_SETATTR_GID, set.gid];
    if (set.size !== undefined) {
      a.valid |= P9_SETATTR_SIZE;
      a.size = set.size;
      if (!set.mtime) a.valid |= P9_SETATTR_MTIME; // truncate stamps mtime (server's now)
    }
    if (set.atime) {
      a.valid |= P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET;
      [a.atimeSec, a.atimeNsec] = [set.atime.sec, set.atime.nsec];
    }
    if (set.mtime) {
      a.valid |= P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET;
      [a.mtimeSec, a.mtimeNsec] = [set.mtime.sec, set.mtime.nsec];
    }
    const size = set.size !== undefined;
    return this.guard(this.changing([node], this.setattrOp(node, a, size), !size));
  }

  private *setattrOp(node: P9Node, a: RkP9SetAttr, write: boolean): RkP9Op<number> {
    yield* p9wait(this.client.setattr(yield* this.attrFid(node, write), a));
    return 0;
  }

  /** An open fid of `node` (a writable one when `write`), else its walked fid. */
  private *attrFid(node: P9Node, write: boolean): RkP9Op<RkP9Fid> {
    for (const [fid, w] of node.opened) if (w || !write) return fid;
    return yield* this.fidOf(node);
  }

  open(node: P9Node, flags: number): RkFsResult<P9Handle | number> {
    if (this.readonly && (flags & O_ACCMODE) !== O_RDONLY) return -Errno.EROFS;
    const pending = node.pendingOpen;
    if (pending) {
      node.pendingOpen = null;
      node.opened.set(pending, true); // Tlcreate opened it read-write
      return { node, fid: pending, cookies: [] };
    }
    if (node.type === S_IFDIR && this.cache === 'loose') {
      // a directory opened to be fsync'ed (SQLite after creating or deleting its journal) or
      // listed: every open shares one Tlopen'ed fid the node holds, so only the first costs a
      // round trip; listing opens a fid of its own (the server keeps a listing per fid)
      if (node.dirFid) return { node, fid: node.dirFid, cookies: [], shared: true };
      return this.guard(this.heldDirOp(node));
    }
    return this.guard(this.openOp(node, flags));
  }

  private *heldDirOp(node: P9Node): RkP9Op<P9Handle> {
    const fid = yield* this.openDirFid(node);
    if (node.dirFid) yield* this.forget(node.dirFid); // another thread opened one meanwhile
    node.dirFid = fid;
    return { node, fid, cookies: [], shared: true };
  }

  /** A fresh fid of directory `node`, Tlopen'ed for reading. */
  private *openDirFid(node: P9Node): RkP9Op<RkP9Fid> {
    const fid = yield* p9wait(this.client.walk(yield* this.fidOf(node), []));
    try {
      yield* p9wait(this.client.lopen(fid, O_RDONLY | P9_DOTL.O_DIRECTORY));
    } catch (e) {
      yield* this.forget(fid);
      throw e;
    }
    return fid;
  }

  private *openOp(node: P9Node, flags: number): RkP9Op<P9Handle> {
    const fid = yield* p9wait(this.client.walk(yield* this.fidOf(node), []));
    try {
      // O_CREAT/O_EXCL/O_TRUNC were vfscore's; O_APPEND is resolved into offsets by vfscore
      const dir = node.type === S_IFDIR;
      const acc = dir ? O_RDONLY : flags & O_ACCMODE;
      yield* p9wait(this.client.lopen(fid, acc | (dir ? P9_DOTL.O_DIRECTORY : 0)));
      node.opened.set(fid, acc !== O_RDONLY);
    } catch (e) {
      yield* this.forget(fid);
      throw e;
    }
    return { node, fid, cookies: [] };
  }

  close(h: P9Handle): RkFsResult<number> {
    if (h.shared) return 0; // the node keeps its directory fid
    // the held writes go first, through this fid if it is the last one open for writing
    return this.guard(this.closeOp(h));
  }

  private *closeOp(h: P9Handle): RkP9Op<number> {
    h.node.opened.delete(h.fid);
    yield* p9wait(this.client.clunk(h.fid));
    return this.behindError(h.node);
  }

  read(h: P9Handle, buf: Uint8Array, offset: number): RkFsResult<number> {
    if (h.node.type === S_IFDIR) return -Errno.EISDIR;
    if (this.cache !== 'loose') return this.guard(p9ReadFull(this.client, h.fid, buf, offset));
    const ino = h.node.ino;
    // a window holds the writes held back too (ahead.wrote)
    const hit = this.ahead.hit(ino, buf, offset, this.dataChanges);
    if (hit >= 0) return hit;
    // at or past the end of file as this mount knows it (its writes grow the cached size): nothing
    // to read, as Linux's v9fs answers from i_size in a caching mode (SQLite probes past the end
    // of its journal before each sync)
    const size = this.attrs.get(ino)?.size ?? this.sizes.get(ino);
    if (size !== undefined && offset >= size) return 0;
    if (this.holds(h.node)) return this.guard(this.readAgain(h, buf, offset));
    const { at, want } = this.ahead.plan(ino, buf.length, offset, this.client.ioSize(h.fid));
    return this.guard(this.readOp(h, buf, offset, at, want));
  }

  /** read() once the held writes went out (guard sends them first). */
  private *readAgain(h: P9Handle, buf: Uint8Array, offset: number): RkP9Op<number> {
    return yield* p9wait(this.read(h, buf, offset));
  }

  /** A read of `buf.length` bytes at `offset` by a fetch of `want` bytes at `at` (≤ offset). */
  private *readOp(
    h: P9Handle,
    buf: Uint8Array,
    offset: number,
    at: number,
    want: number,
  ): RkP9Op<number> {
    const ino = h.node.ino;
    const seen = this.dataChanges;
    const writes = this.ahead.writes;
    const into = at === offset && want === buf.length ? buf : this.ahead.buffer(want);
    const got = yield* p9ReadFull(this.client, h.fid, into, at);
    const skip = offset - at;
    const n = Math.max(0, Math.min(got - skip, buf.length));
    if (into !== buf) {
      buf.set(into.subarray(skip, skip + n));
      // after the copy: keep may hand `into` on as the spare buffer of the next fetch
      this.ahead.keep(ino, into.subarray(0, got), at, want, seen, this.dataChanges, writes);
    }
    this.ahead.passed(ino, offset + n);
    return n;
  }

  write(h: P9Handle, buf: Uint8Array, offset: number): RkFsResult<number> {
    if (this.readonly) return -Errno.EROFS;
    if (this.cache === 'loose') this.ahead.wrote(h.node.ino, buf, offset);
    if (
      this.cache === 'loose' &&
      h.node.type === S_IFREG &&
      buf.length < this.client.ioSize(h.fid) &&
      this.behind.add(h.node, buf, offset)
    ) {
      this.grown(h.node, offset + buf.length);
      return buf.length; // read sends it first
    }
    return this.guard(this.writing(h.node, p9WriteFull(this.client, h.fid, buf, offset), offset));
  }

  /**
   * A write through this mount: a change (a Tgetattr answered meanwhile is not cached), but under
   * cache=loose the cached attributes stay, grown by what was written, instead of asking again.
   */
  private *writing(node: P9Node, op: RkP9Op<number>, offset: number): RkP9Op<number> {
    this.changes++;
    let done = false;
    try {
      const n = yield* op;
      done = true;
      this.grown(node, offset + n);
      return n;
    } finally {
      this.changes++;
      if (!done) {
        // a failed write may have changed some of the file
        this.attrs.delete(node.ino);
        this.sizes.delete(node.ino);
        this.ahead.forget(node.ino);
      }
    }
  }

  /**
   * cache=loose: bytes up to `end` of `node` were written through this mount (sent or held back):
   * its cached attributes get the new size and mtime/ctime from the guest clock, as Linux's v9fs
   * updates its inode on a write in a caching mode.
   */
  private grown(node: P9Node, end: number): void {
    const size = this.sizes.get(node.ino);
    if (size !== undefined && end > size) this.sizes.set(node.ino, end);
    const a = this.attrs.get(node.ino);
    if (!a) return;
    if (end > a.size) a.size = end;
    const t = this.now();
    a.mtime = { sec: t.sec, nsec: t.nsec };
    a.ctime = { sec: t.sec, nsec: t.nsec };
  }

  readdir(h: P9Handle, cookie: number, sink: RkFsDirSink): RkFsResult<number> {
    if (h.node.type !== S_IFDIR) return -Errno.ENOTDIR;
    // "." and ".." come first whatever order the server lists in (ext4 lists by hash)
    if (cookie === 0 && !sink('.', h.node.ino, DT_DIR, 1)) return 0;
    if (cookie <= 1 && !sink('..', h.node.parentIno, DT_DIR, 2)) return 0;
    return this.guard(this.readdirFrom(h, cookie <= 2 ? 0n : h.cookies[cookie - 3], sink));
  }

  private *readdirFrom(h: P9Handle, from: bigint | undefined, sink: RkFsDirSink): RkP9Op<number> {
    if (from === undefined) return -Errno.EINVAL; // a cookie this handle never gave out
    if (h.shared) {
      h.fid = yield* this.openDirFid(h.node);
      h.shared = false;
    }
    let at = from;
    for (;;) {
      const ents = yield* p9wait(this.client.readdir(h.fid, at));
      if (ents.length === 0) return 0;
      for (const e of ents) {
        at = e.offset;
        if (e.name === '.' || e.name === '..') continue;
        let k = h.cookies.indexOf(e.offset);
        if (k < 0) k = h.cookies.push(e.offset) - 1;
        if (!sink(e.name, inoOf(e.qid), e.dtype, k + 3)) return 0;
      }
    }
  }

  fsync(h: P9Handle, datasync: boolean): RkFsResult<number> {
    return this.guard(this.fsyncOp(h, datasync));
  }

  private *fsyncOp(h: P9Handle, datasync: boolean): RkP9Op<number> {
    const e = this.behindError(h.node);
    if (e < 0) return e;
    yield* p9wait(this.client.fsync(h.fid, datasync));
    return 0;
  }

  /** Held writes of `node` not sent yet. */
  private holds(node: P9Node): boolean {
    return (this.behind.file(node)?.runs.length ?? 0) > 0;
  }

  /** Sends the held writes, after any sending already on its way. */
  private *sendHeld(): RkP9Op<void> {
    while (this.sending) yield* p9wait(this.sending);
    if (this.behind.empty) return;
    const p = p9drive(this.writeBehind());
    if (!(p instanceof Promise)) return; // all went out without waiting
    this.sending = p;
    try {
      yield* p9wait(p);
    } finally {
      if (this.sending === p) this.sending = null;
    }
  }

  /**
   * Sends every held write (Twrites of up to msize through an open writable fid of its file). A
   * failure drops the rest of that file's runs, as Linux drops pages it failed to write back, and
   * is reported by the file's next fsync or close.
   */
  private *writeBehind(): RkP9Op<void> {
    for (const node of this.behind.keys()) {
      const runs = this.behind.take(node);
      const f = this.behind.file(node)!;
      let fid: RkP9Fid | undefined;
      for (const [o, w] of node.opened) if (w) fid = o;
      if (!fid) {
        if (runs.length) f.error ||= -Errno.EBADF; // unreachable: close sends them first
        continue;
      }
      for (const r of runs) {
        try {
          const n = yield* this.writing(
            node,
            p9WriteFull(this.client, fid, r.data.subarray(0, r.len), r.offset),
            r.offset,
          );
          if (n < r.len) throw new RkError(Errno.ENOSPC, 'short write');
        } catch (e) {
          f.error ||= neg(e);
          break;
        }
      }
      // the Twrites copied the runs into their messages: the next runs reuse the buffers instead
      // of allocating (and zeroing) 16 KiB each (SQLite makes a few runs per transaction)
      for (const r of runs) this.behind.recycle(r.data);
      this.behind.settle(node);
    }
  }

  /** The error a held write of `node` met since its last fsync or close (reported once). */
  private behindError(node: P9Node): number {
    const f = this.behind.file(node);
    const e = f?.error ?? 0;
    if (f) {
      f.error = 0;
      this.behind.settle(node);
    }
    return e;
  }

  statfs(out: RkFsStatfs): RkFsResult<number> {
    return this.guard(this.statfsOp(out));
  }

  private *statfsOp(out: RkFsStatfs): RkP9Op<number> {
    const s = yield* p9wait(this.client.statfs(this.rootFid));
    out.type = V9FS_MAGIC;
    out.bsize = s.bsize;
    out.frsize = s.bsize;
    out.blocks = s.blocks;
    out.bfree = s.bfree;
    out.bavail = s.bavail;
    out.files = s.files;
    out.ffree = s.ffree;
    out.namelen = s.namelen;
    out.flags = this.readonly ? 1 : 0; // ST_RDONLY
    return 0;
  }

  /** Sends the held writes (cache=loose); nothing else is held back. */
  sync(): RkFsResult<number> {
    if (this.behind.empty) return 0;
    return this.guard(nothing());
  }

  unmount(): RkFsResult<number> {
    return this.guard(this.unmountOp());
  }

  private *unmountOp(): RkP9Op<number> {
    this.ahead.clear();
    yield* this.forget(this.rootFid);
    this.client.close();
    return 0;
  }

  /** After a rename: the node vfscore holds for the source now lives at the target. */
  private moved(odir: P9Node, oname: string, ndir: P9Node, nname: string): void {
    this.epoch++;
    const okey = `${odir.ino}/${oname}`;
    const nkey = `${ndir.ino}/${nname}`;
    const n = this.byName.get(okey);
    this.byName.delete(okey);
    this.byName.delete(nkey);
    if (!n) return;
    n.parent = ndir;
    n.name = nname;
    this.byName.set(nkey, n);
  }

  /**
   * vfscore dropped the node: its fids are clunked before the next request (a failure only leaks a
   * server fid). The node stays known by name, as its descendants' paths run through it.
   */
  release(node: P9Node): void {
    if (node === this.root || node.released) return;
    node.released = true;
    const pending = node.pendingOpen;
    node.pendingOpen = null;
    if (pending) this.clunks.push(pending);
    if (node.fid) this.clunks.push(node.fid);
    node.fid = null;
    if (node.dirFid) this.clunks.push(node.dirFid);
    node.dirFid = null;
  }
}

function emptyAttr(): RkFsAttr {
  const t = () => ({ sec: 0, nsec: 0 });
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
    atime: t(),
    mtime: t(),
    ctime: t(),
  };
}

/** Copies every field (times as new objects): field by field, no spread objects per stat. */
function copyAttr(a: RkFsAttr, out: RkFsAttr): void {
  out.ino = a.ino;
  out.mode = a.mode;
  out.nlink = a.nlink;
  out.uid = a.uid;
  out.gid = a.gid;
  out.rdev = a.rdev;
  out.size = a.size;
  out.blocks = a.blocks;
  out.blksize = a.blksize;
  out.atime = { sec: a.atime.sec, nsec: a.atime.nsec };
  out.mtime = { sec: a.mtime.sec, nsec: a.mtime.nsec };
  out.ctime = { sec: a.ctime.sec, nsec: a.ctime.nsec };
}

/** An operation with no request of its own (guard's clunks and held writes are the work). */
// biome-ignore lint/correctness/useYield: runs to its end at once
function* nothing(): RkP9Op<number> {
  return 0;
}
