// The ext4 driver (vfscore fs-driver contract) over an Ext4Volume: lookups through the hash index or
// linear scans, reads through extents or block maps, readdir with byte-offset cookies.
import { Errno } from '@runikraft/errno';
import {
  andThen,
  DT_UNKNOWN,
  O_ACCMODE,
  O_RDONLY,
  RENAME_EXCHANGE,
  type RkFsSteps,
  RkWriteBehind,
  type RkWriteBehindFile,
  type RkWriteBehindRun,
  runSteps,
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
  wait,
} from '@runikraft/vfscore';
import type {
  RkFs,
  RkFsAttr,
  RkFsDirSink,
  RkFsEnv,
  RkFsResult,
  RkFsSetattr,
  RkFsStatfs,
  RkFsTime,
} from '@runikraft/vfscore/driver';
import { Ext4Alloc, storeSuper } from './alloc';
import { DIRENT_TAIL_SIZE, hasTail, walkLeaf } from './dir';
import { EXT4_MAX_LBLK } from './extents';
import { RO_COMPAT } from './features';
import {
  EXT4_EXTENTS_FL,
  EXT4_HUGE_FILE_FL,
  EXT4_ROOT_INO,
  type Ext4Inode,
  I_BLOCK_SIZE,
} from './inode';
import type { Jbd2Journal } from './jbd2/journal';
import { markNeedsRecovery } from './jbd2/mount';
import { u32 } from './le';
import { Ext4Lock } from './lock';
import { type Ext4Found, findCached, findEntry } from './lookup';
import { type Ext4Handle, Ext4Node } from './node';
import { Ext4Orphans, lastOrphan, releaseOrphans } from './orphan';
import { has } from './superblock';
import { decodeName, encodeName } from './text';
import type { Ext4Volume } from './volume';
import { Ext4Writer } from './write';

export const EXT4_SUPER_MAGIC_STATFS = 0xef53;
/** EXT4_LINK_MAX: more links than this are refused (directories: dir_nlink's 1 is not written). */
const EXT4_LINK_MAX = 65000;

/** S_IFIFO, S_IFCHR, S_IFDIR, S_IFBLK, S_IFREG, S_IFLNK, S_IFSOCK. */
const FILE_TYPES = new Set([0o010000, 0o020000, 0o040000, 0o060000, 0o100000, 0o120000, 0o140000]);

/** Delayed writes (vfscore's RkWriteBehind): bytes and runs held per mount, the largest write delayed. */
const DELAY_BYTES = 1 << 20;
const DELAY_RUNS = 64;
const DELAY_WRITE = 64 << 10;
/** Free blocks a delayed write leaves for the metadata its flush may need (extent, bitmap, inode). */
const DELAY_SLACK = 64;

/** EXT4_FT_* → DT_*. */
const FT_TO_DT = [DT_UNKNOWN, 8, 4, 2, 6, 1, 12, 10];

export class Ext4Fs implements RkFs<Ext4Node, Ext4Handle> {
  readonly caps = { nameCache: true, nameMax: 255 } as const;
  private readonly nodes = new Map<number, Ext4Node>();

  private readonly lock = new Ext4Lock();
  /** Null on a read-only mount: every change is -EROFS. */
  private readonly writer: Ext4Writer | null;
  /** Inodes unlinked while open (freed at their last close, or at the next mount after a crash). */
  private readonly orphans: Ext4Orphans;
  /** Small writes held back (vfscore's RkWriteBehind), flushed before anything that could see or change them. */
  private readonly delayed = new RkWriteBehind<Ext4Node>(DELAY_BYTES, DELAY_RUNS);
  /** Flushes of delayed runs on their way. */
  private flushes = 0;
  /** Free blocks when the held data began: nothing else allocates while data is held. */
  private delayFree = 0;

  /** @internal made by create */
  constructor(
    readonly vol: Ext4Volume,
    readonly root: Ext4Node,
    readonly ro: boolean,
    private readonly env: RkFsEnv,
    /** The running journal of a read-write mount of a journaled file system. @internal */
    readonly journal: Jbd2Journal | null = null,
  ) {
    this.nodes.set(root.ino, root);
    const alloc = ro ? null : new Ext4Alloc(vol, journal);
    this.writer = alloc ? new Ext4Writer(vol, alloc, journal) : null;
    if (journal && alloc) journal.beforeCommit = () => alloc.seal();
    this.orphans = new Ext4Orphans(vol);
    if (journal && !ro) vol.cache.onMeta = (e) => journal.join(e);
  }

  /** Opens the root of `vol`. @returns the fs, or -EUCLEAN/-EIO. @internal made by the ext4 type's mount */
  static async create(
    vol: Ext4Volume,
    ro: boolean,
    env: RkFsEnv,
    journal: Jbd2Journal | null = null,
  ): Promise<Ext4Fs | number> {
    const inode = await vol.readInode(EXT4_ROOT_INO);
    if (typeof inode === 'number') return inode;
    if (inode.type !== S_IFDIR) return vol.corrupt('the root inode is not a directory');
    const fs = new Ext4Fs(vol, new Ext4Node(EXT4_ROOT_INO, inode), ro, env, journal);
    if (lastOrphan(vol) === 0) return fs;
    if (ro) {
      vol.warn('orphan inodes from an unclean shutdown are left on a read-only mount');
      return fs;
    }
    const r = await fs.releaseOrphans();
    return r < 0 ? r : fs;
  }

  /** Frees the inodes a crash left on the orphan list (ext4_orphan_cleanup), then commits. */
  private releaseOrphans(): Promise<number> | number {
    return this.change((w) => this.releaseSteps(w));
  }

  private *releaseSteps(w: Ext4Writer): RkFsSteps<number> {
    const now = this.env.now();
    const n = yield* wait(
      releaseOrphans(this.vol, {
        dropInode: (i) => runSteps(w.dropInode(i, now)),
        storeInode: (i) => runSteps(w.storeInode(i)),
      }),
    );
    if (n < 0) return n;
    if (n > 0) this.vol.warn(`released ${n} orphan inodes`);
    return yield* this.commit();
  }

  /** The node for `ino` (one per inode while held). */
  async node(ino: number): Promise<Ext4Node | number> {
    const have = this.nodes.get(ino);
    if (have) return have;
    const inode = await this.vol.readInode(ino);
    if (typeof inode === 'number') return inode;
    const raced = this.nodes.get(ino);
    if (raced) return raced;
    if (!FILE_TYPES.has(inode.type))
      return this.vol.corrupt(`inode ${ino}: mode 0${inode.mode.toString(8)}`);
    const n = new Ext4Node(ino, inode);
    this.nodes.set(ino, n);
    return n;
  }

  lookup(dir: Ext4Node, name: string): Promise<Ext4Node | number> | Ext4Node | number {
    // a small linear directory whose blocks are cached answers without parking (SQLite looks for
    // its journal and lock directory, which are mostly absent, several times per transaction)
    if (!dir.names && !this.vol.indexed(dir.inode)) {
      const f = findCached(this.vol, dir.inode, encodeName(name));
      if (f === null) return -Errno.ENOENT;
      if (typeof f === 'number') return f;
      if (f !== undefined) return this.nodes.get(f.ino) ?? this.node(f.ino);
    }
    return this.lookupAsync(dir, name);
  }

  private async lookupAsync(dir: Ext4Node, name: string): Promise<Ext4Node | number> {
    if (!this.vol.indexed(dir.inode) && dir.inode.size > 2 * this.vol.blockSize) {
      const names = dir.names ?? (await this.scanNames(dir));
      if (typeof names === 'number') return names;
      const ino = names.get(name);
      return ino === undefined ? -Errno.ENOENT : this.node(ino);
    }
    const f = await findEntry(this.vol, dir.inode, encodeName(name));
    if (f === null) return -Errno.ENOENT;
    if (typeof f === 'number') return f;
    return this.node(f.ino);
  }

  /** Reads every entry of `dir` into its name map. @returns the map, or -EUCLEAN/-EIO. */
  private async scanNames(dir: Ext4Node): Promise<Map<string, number> | number> {
    const names = new Map<string, number>();
    const r = await this.readdir({ node: dir, writable: false }, 0, (name, ino) => {
      names.set(name, ino);
      return true;
    });
    if (r < 0) return r;
    names.delete('.');
    names.delete('..');
    dir.names = names;
    return names;
  }

  /**
   * Runs a change under the fs lock (one journal handle: the transaction commits only between
   * changes), then commits when the transaction is due; refuses it on a read-only mount.
   */
  private change(fn: (w: Ext4Writer) => RkFsSteps<number>): RkFsResult<number> {
    return this.changeNode(fn);
  }

  /**
   * A change made after every delayed write reached the file (a change may see or move it). It
   * answers without a Promise when nothing it needs waits: the lock free, its blocks cached, the
   * device done inside each request.
   */
  private changeNode<T extends Ext4Node | number>(
    fn: (w: Ext4Writer) => RkFsSteps<T>,
  ): RkFsResult<T | number> {
    if (!this.writer) return -Errno.EROFS;
    return this.afterDelayed<T | number>(() => this.locked(fn));
  }

  /** `f` now when nothing is held back, else after flushing everything held. */
  private afterDelayed<T>(f: () => Promise<T> | T): Promise<T> | T {
    if (this.delayed.empty && this.flushes === 0) return f();
    return this.flushAll().then(() => f());
  }

  private locked<T extends Ext4Node | number>(
    fn: (w: Ext4Writer) => RkFsSteps<T>,
  ): RkFsResult<T | number> {
    const w = this.writer;
    if (!w) return -Errno.EROFS;
    return this.lock.steps(() => this.lockedSteps(w, fn));
  }

  private *lockedSteps<T extends Ext4Node | number>(
    w: Ext4Writer,
    fn: (w: Ext4Writer) => RkFsSteps<T>,
  ): RkFsSteps<T | number> {
    let r = yield* fn(w);
    const j = this.journal;
    // blocks the running transaction freed are not reused before it commits: out of space with
    // some pending, commit and try once more (Linux's ext4_should_retry_alloc)
    if (r === -Errno.ENOSPC && j?.hasFreed) {
      const c = yield* this.commit();
      if (c < 0) return c;
      r = yield* fn(w);
    }
    if (j?.due(this.env.now().sec, this.vol.cache.maxBlocks)) {
      const c = yield* this.commit();
      if (c < 0) return c;
    }
    return r;
  }

  /**
   * Commits the running transaction (a changed super block joins it first; with `counts`, also
   * its free counts: at sync and unmount). Under the lock.
   */
  private *commit(counts = false): RkFsSteps<number> {
    const j = this.journal;
    if (!j) return 0;
    const now = this.env.now();
    if (this.vol.superDirty || (counts && this.vol.superCounts)) {
      const r = yield* wait(storeSuper(this.vol, now.sec));
      if (r < 0) return r;
    }
    return yield* wait(j.commit(now));
  }

  /** Creates `name` in `dir` as a new inode of `type`. */
  private make(dir: Ext4Node, name: string, type: number, perm: number, target?: Uint8Array) {
    return this.changeNode((w) => this.makeSteps(w, dir, name, type, perm, target));
  }

  private *makeSteps(
    w: Ext4Writer,
    dir: Ext4Node,
    name: string,
    type: number,
    perm: number,
    target?: Uint8Array,
  ): RkFsSteps<Ext4Node | number> {
    const bytes = encodeName(name);
    if (bytes.length > 255) return -Errno.ENAMETOOLONG;
    if (type === S_IFDIR && dir.inode.links >= EXT4_LINK_MAX) return -Errno.EMLINK;
    const now = this.env.now();
    const fast = target !== undefined && target.length < I_BLOCK_SIZE;
    const inode = yield* w.newInode(dir, type, perm, now, !fast);
    if (typeof inode === 'number') return inode;
    let r = 0;
    if (type === S_IFDIR) {
      inode.links = 2;
      r = yield* w.initDir(inode, dir.ino);
    } else if (target && fast) {
      inode.iblock.set(target);
      inode.size = target.length;
    } else if (target) {
      r = yield* w.writeData(inode, target, 0, true);
    }
    if (r >= 0) r = yield* w.storeInode(inode);
    if (r >= 0) r = yield* w.addEntry(dir, bytes, inode.ino, type);
    if (r < 0) {
      yield* w.dropInode(inode, now);
      return r;
    }
    dir.names?.set(name, inode.ino);
    if (type === S_IFDIR) dir.inode.links++;
    this.touch(dir.inode, now, true);
    r = yield* w.storeInode(dir.inode);
    if (r < 0) return r;
    const n = new Ext4Node(inode.ino, inode);
    this.nodes.set(n.ino, n);
    return n;
  }

  private touch(i: Ext4Inode, now: { sec: number; nsec: number }, data: boolean): void {
    i.setTime('ctime', now);
    if (data) i.setTime('mtime', now);
  }

  create(dir: Ext4Node, name: string, mode: number) {
    return this.make(dir, name, S_IFREG, mode);
  }

  mkdir(dir: Ext4Node, name: string, mode: number) {
    return this.make(dir, name, S_IFDIR, mode);
  }

  symlink(dir: Ext4Node, name: string, target: string) {
    const t = encodeName(target);
    if (t.length >= this.vol.blockSize) return -Errno.ENAMETOOLONG;
    return this.make(dir, name, S_IFLNK, 0o777, t);
  }

  link(node: Ext4Node, dir: Ext4Node, name: string) {
    return this.change((w) => this.linkSteps(w, node, dir, name));
  }

  private *linkSteps(w: Ext4Writer, node: Ext4Node, dir: Ext4Node, name: string) {
    if (node.inode.links >= EXT4_LINK_MAX) return -Errno.EMLINK;
    const r = yield* w.addEntry(dir, encodeName(name), node.ino, node.type);
    if (r < 0) return r;
    dir.names?.set(name, node.ino);
    const now = this.env.now();
    node.inode.links++;
    this.touch(node.inode, now, false);
    this.touch(dir.inode, now, true);
    const a = yield* w.storeInode(node.inode);
    return a < 0 ? a : yield* w.storeInode(dir.inode);
  }

  /** Drops a link of `node` (and the inode when none is left and nothing holds it open). */
  private *unref(w: Ext4Writer, node: Ext4Node, now: RkFsTime): RkFsSteps<number> {
    if (node.type === S_IFDIR) node.inode.links = 0;
    else if (node.inode.links > 0) node.inode.links--;
    this.touch(node.inode, now, false);
    if (node.inode.links === 0 && node.opens === 0 && node.inode.size > this.writeStep) {
      // freeing it takes several transactions: on the orphan chain meanwhile, so a crash in
      // between leaves it for the next mount to free (Linux's ext4_evict_inode does the same)
      this.orphans.add(node.inode);
      let r = yield* w.storeInode(node.inode);
      if (r >= 0) r = yield* this.shrink(w, node.inode, 0);
      if (r < 0) return r;
      const prev = this.orphans.remove(node.inode, (ino) => this.nodes.get(ino)?.inode);
      if (prev) r = yield* w.storeInode(prev);
      if (r < 0) return r;
    }
    if (node.inode.links === 0 && node.opens === 0) {
      this.nodes.delete(node.ino);
      return yield* w.dropInode(node.inode, now);
    }
    if (node.inode.links === 0) this.orphans.add(node.inode);
    return yield* w.storeInode(node.inode);
  }

  private *isEmptyDir(node: Ext4Node): RkFsSteps<boolean | number> {
    let empty = true;
    const r = yield* this.readdirSteps({ node, writable: false }, 0, (name) => {
      if (name === '.' || name === '..') return true;
      empty = false;
      return false;
    });
    return r < 0 ? r : empty;
  }

  unlink(dir: Ext4Node, name: string, node: Ext4Node) {
    return this.remove(dir, name, node);
  }

  rmdir(dir: Ext4Node, name: string, node: Ext4Node) {
    return this.remove(dir, name, node);
  }

  private remove(dir: Ext4Node, name: string, node: Ext4Node) {
    return this.change((w) => this.removeSteps(w, dir, name, node));
  }

  private *removeSteps(w: Ext4Writer, dir: Ext4Node, name: string, node: Ext4Node) {
    if (node.type === S_IFDIR) {
      const empty = yield* this.isEmptyDir(node);
      if (typeof empty === 'number') return empty;
      if (!empty) return -Errno.ENOTEMPTY;
    }
    const f = yield* this.entry(dir, encodeName(name));
    if (f === null) return -Errno.ENOENT;
    if (typeof f === 'number') return f;
    let r = yield* w.removeEntry(dir, f);
    if (r < 0) return r;
    dir.names?.delete(name);
    const now = this.env.now();
    if (node.type === S_IFDIR && dir.inode.links > 2) dir.inode.links--;
    this.touch(dir.inode, now, true);
    r = yield* w.storeInode(dir.inode);
    return r < 0 ? r : yield* this.unref(w, node, now);
  }

  /** The entry `name` of `dir`: at once from a small linear directory whose blocks are cached. */
  private *entry(dir: Ext4Node, name: Uint8Array): RkFsSteps<Ext4Found | null | number> {
    const f = this.vol.indexed(dir.inode) ? undefined : findCached(this.vol, dir.inode, name);
    return f !== undefined ? f : yield* wait(findEntry(this.vol, dir.inode, name));
  }

  rename(odir: Ext4Node, oname: string, ndir: Ext4Node, nname: string, flags: number) {
    if (flags & RENAME_EXCHANGE) return -Errno.EINVAL;
    return this.change((w) => this.renameSteps(w, odir, oname, ndir, nname));
  }

  private *renameSteps(
    w: Ext4Writer,
    odir: Ext4Node,
    oname: string,
    ndir: Ext4Node,
    nname: string,
  ): RkFsSteps<number> {
    const vol = this.vol;
    const on = encodeName(oname);
    const nn = encodeName(nname);
    const src = yield* this.entry(odir, on);
    if (src === null) return -Errno.ENOENT;
    if (typeof src === 'number') return src;
    const srcNode = yield* wait(this.node(src.ino));
    if (typeof srcNode === 'number') return srcNode;
    const dst = yield* this.entry(ndir, nn);
    if (typeof dst === 'number') return dst;
    if (dst && dst.ino === src.ino) return 0;
    const now = this.env.now();
    const isDir = srcNode.type === S_IFDIR;
    if (isDir && odir !== ndir && !dst && ndir.inode.links >= EXT4_LINK_MAX) return -Errno.EMLINK;
    let r: number;
    if (dst) {
      const dstNode = yield* wait(this.node(dst.ino));
      if (typeof dstNode === 'number') return dstNode;
      if (dstNode.type === S_IFDIR) {
        const empty = yield* this.isEmptyDir(dstNode);
        if (typeof empty === 'number') return empty;
        if (!empty) return -Errno.ENOTEMPTY;
      }
      r = yield* w.retargetEntry(ndir, dst, src.ino, srcNode.type);
      if (r < 0) return r;
      ndir.names?.set(nname, src.ino);
      if (dstNode.type === S_IFDIR) ndir.inode.links--;
      r = yield* this.unref(w, dstNode, now);
    } else r = yield* w.addEntry(ndir, nn, src.ino, srcNode.type);
    if (r < 0) return r;
    ndir.names?.set(nname, src.ino);
    // entries may have moved (a split of the same directory): find the old name again
    const again = yield* this.entry(odir, on);
    if (again === null || typeof again === 'number')
      return again ?? vol.corrupt('rename lost its source');
    r = yield* w.removeEntry(odir, again);
    if (r < 0) return r;
    odir.names?.delete(oname);
    if (isDir && odir !== ndir) {
      const dots = yield* wait(findEntry(vol, srcNode.inode, Uint8Array.of(0x2e, 0x2e)));
      if (dots === null || typeof dots === 'number')
        return dots ?? vol.corrupt(`directory ${src.ino} has no ..`);
      r = yield* w.retargetEntry(srcNode, dots, ndir.ino, S_IFDIR);
      if (r < 0) return r;
      odir.inode.links--;
      ndir.inode.links++;
    }
    this.touch(srcNode.inode, now, false);
    this.touch(odir.inode, now, true);
    this.touch(ndir.inode, now, true);
    for (const i of new Set([srcNode.inode, odir.inode, ndir.inode])) {
      r = yield* w.storeInode(i);
      if (r < 0) return r;
    }
    return 0;
  }

  setattr(n: Ext4Node, set: RkFsSetattr) {
    const fn = (w: Ext4Writer) => this.setattrSteps(w, n, set);
    // times, mode and owners allocate nothing, so other files' held data need not go first (SQLite
    // stamps its lock directory while its journal is being written); the file's own does, as its
    // flush stamps mtime
    if (set.size === undefined && !this.delayed.file(n))
      return this.setattrNow(n, set) ?? this.locked(fn);
    return this.change(fn);
  }

  private *setattrSteps(w: Ext4Writer, n: Ext4Node, set: RkFsSetattr): RkFsSteps<number> {
    const i = n.inode;
    const now = this.env.now();
    if (set.size !== undefined) {
      if (set.size > this.maxFile) return -Errno.EFBIG;
      const r = yield* this.shrink(w, i, set.size);
      if (r < 0) return r;
      i.setTime('mtime', now);
    }
    setAttrs(i, set, now);
    return yield* w.storeInode(i);
  }

  /**
   * setattr of times, mode or owners without parking: when nobody holds the fs lock (no change can
   * interleave with one that does not wait) and the inode table block is cached. A transaction it
   * makes due commits under the lock, as after any change. @returns null when it cannot.
   */
  private setattrNow(n: Ext4Node, set: RkFsSetattr): RkFsResult<number> | null {
    const w = this.writer;
    if (!w || !this.lock.free || !w.inodeCached(n.inode)) return null;
    setAttrs(n.inode, set, this.env.now());
    const r = w.storeCached(n.inode);
    if (r < 0) return r;
    if (this.journal?.due(this.env.now().sec, this.vol.cache.maxBlocks))
      return this.lock.steps(() => this.commit());
    return 0;
  }

  /**
   * Truncates `i` to `size` (w.truncate) from the end in steps of one write handle's worth, with a
   * commit in between when the transaction is due, so freeing a big file never makes a
   * transaction larger than half the log. Each step leaves a consistent, shorter file. Under the
   * lock, inside a change.
   */
  private *shrink(w: Ext4Writer, i: Ext4Inode, size: number): RkFsSteps<number> {
    const step = this.writeStep;
    const bs = this.vol.blockSize;
    const j = this.journal;
    while (j && i.size - size > step) {
      let r = yield* w.truncate(i, Math.ceil((i.size - step) / bs) * bs);
      if (r >= 0) r = yield* w.storeInode(i);
      if (r >= 0 && j.due(this.env.now().sec, this.vol.cache.maxBlocks)) r = yield* this.commit();
      if (r < 0) return r;
    }
    return yield* w.truncate(i, size);
  }

  /** The largest file: 2^32 logical blocks. */
  private get maxFile(): number {
    return EXT4_MAX_LBLK * this.vol.blockSize;
  }

  async readlink(n: Ext4Node): Promise<string | number> {
    if (n.type !== S_IFLNK) return -Errno.EINVAL;
    const target = await this.linkBytes(n.inode);
    return typeof target === 'number' ? target : decodeName(target, 0, target.length);
  }

  /** A symlink's target bytes: in i_block (fast) or in its data block (slow). */
  private async linkBytes(i: Ext4Inode): Promise<Uint8Array | number> {
    const size = i.size;
    if (size > this.vol.blockSize || size === 0)
      return this.vol.corrupt(`symlink ${i.ino}: size ${size}`);
    if (isFastSymlink(i)) return i.iblock.slice(0, size);
    const out = new Uint8Array(size);
    const r = await this.vol.readData(i, out, 0);
    if (r < 0) return r;
    return r === size ? out : this.vol.corrupt(`symlink ${i.ino}: short target`);
  }

  getattr(n: Ext4Node, out: RkFsAttr): Promise<number> | number {
    // size, blocks and mtime include what is held back
    if (this.delayed.file(n)) return andThen(this.flushNode(n), () => this.attrs(n, out));
    return this.attrs(n, out);
  }

  private attrs(n: Ext4Node, out: RkFsAttr): number {
    const i = n.inode;
    const sb = this.vol.sb;
    out.ino = n.ino;
    out.mode = i.mode;
    // dir_nlink: a directory with too many subdirectories for 16 bits stores 1
    out.nlink = i.links;
    out.uid = i.uid;
    out.gid = i.gid;
    out.rdev = rdevOf(i);
    out.size = i.size;
    const huge = has(sb.roCompat, RO_COMPAT.huge_file) && i.flags & EXT4_HUGE_FILE_FL;
    out.blocks = huge ? i.blocksRaw * (sb.blockSize / 512) : i.blocksRaw;
    out.blksize = sb.blockSize;
    out.atime = i.time('atime');
    out.mtime = i.time('mtime');
    out.ctime = i.time('ctime');
    return 0;
  }

  open(node: Ext4Node, flags: number): Ext4Handle | number {
    const writable = (flags & O_ACCMODE) !== O_RDONLY;
    if (writable && this.ro) return -Errno.EROFS;
    node.opens++;
    return { node, writable };
  }

  close(h: Ext4Handle) {
    if (this.delayed.file(h.node))
      return andThen(this.flushNode(h.node), () => {
        const e = this.delayError(h.node);
        return andThen(this.closed(h), (r) => (r < 0 ? r : e));
      });
    return this.closed(h);
  }

  private closed(h: Ext4Handle) {
    h.node.opens--;
    const n = h.node;
    if (n.opens > 0 || n.inode.links > 0 || !this.writer) return 0;
    // the last close of an unlinked file takes it off the orphan list and frees it
    return this.change((w) => this.freeSteps(w, n));
  }

  /** Frees the unlinked `n` at its last close. */
  private *freeSteps(w: Ext4Writer, n: Ext4Node): RkFsSteps<number> {
    this.nodes.delete(n.ino);
    const prev = this.orphans.remove(n.inode, (ino) => this.nodes.get(ino)?.inode);
    if (prev) {
      const r = yield* w.storeInode(prev);
      if (r < 0) return r;
    }
    return yield* w.dropInode(n.inode, this.env.now());
  }

  read(h: Ext4Handle, buf: Uint8Array, offset: number): Promise<number> | number {
    if (h.node.type === S_IFDIR) return -Errno.EISDIR;
    const f = this.delayed.file(h.node);
    // at or past the end of the file and of what it holds back: nothing to read, nothing to flush
    if (f && !f.flushing && offset >= this.heldEnd(h.node, f)) return 0;
    if (f)
      return andThen(this.flushNode(h.node), () => this.vol.readData(h.node.inode, buf, offset));
    return (
      this.vol.readCached(h.node.inode, buf, offset) ?? this.vol.readData(h.node.inode, buf, offset)
    );
  }

  /** The file's size once its held runs are written. */
  private heldEnd(n: Ext4Node, f: RkWriteBehindFile): number {
    const last = f.runs[f.runs.length - 1];
    return Math.max(n.inode.size, last ? last.offset + last.len : 0);
  }

  write(h: Ext4Handle, buf: Uint8Array, offset: number) {
    if (buf.length === 0) return 0;
    if (offset >= this.maxFile) return -Errno.EFBIG;
    const data = offset + buf.length > this.maxFile ? buf.subarray(0, this.maxFile - offset) : buf;
    if (this.delay(h.node, data, offset)) return data.length;
    if (!this.writer) return -Errno.EROFS;
    return this.afterDelayed(() => this.writeNode(h.node, data, offset));
  }

  /** Holds `data` back for `offset` of `n` (vfscore's RkWriteBehind) when it is small and surely fits the disk. */
  private delay(n: Ext4Node, data: Uint8Array, offset: number): boolean {
    if (!this.writer || n.type !== S_IFREG || data.length > DELAY_WRITE) return false;
    if (this.delayed.empty && this.flushes === 0) this.delayFree = this.freeBlocks();
    const bs = this.vol.blockSize;
    const need = this.delayed.blocks(bs) + Math.ceil(data.length / bs) + 2 + DELAY_SLACK;
    return need <= this.delayFree && this.delayed.add(n, data, offset);
  }

  private freeBlocks(): number {
    let free = 0;
    for (const g of this.vol.groups) free += g.freeBlocks;
    return free;
  }

  /**
   * Writes what `n` holds back, after any flush of it already on its way (a reader waits for both).
   * @returns 0, or the flush's -errno (also kept for the file's next fsync or close).
   */
  private flushNode(n: Ext4Node): Promise<number> | number {
    const f = this.delayed.file(n);
    if (!f) return 0;
    const runs = this.delayed.take(n);
    if (runs.length === 0) return f.flushing ?? 0;
    this.flushes++;
    const r = runSteps(this.flushRuns(n, f, runs, f.flushing));
    if (!(r instanceof Promise)) {
      // written without waiting: nothing could see it in flight
      this.flushes--;
      this.delayed.settle(n);
      return r;
    }
    const p: Promise<number> = r.finally(() => {
      this.flushes--;
      if (f.flushing === p) f.flushing = null;
      this.delayed.settle(n);
    });
    f.flushing = p;
    return p;
  }

  private *flushRuns(
    n: Ext4Node,
    f: RkWriteBehindFile,
    runs: RkWriteBehindRun[],
    before: Promise<number> | null,
  ): RkFsSteps<number> {
    if (before) yield* wait(before);
    for (const r of runs) {
      const got = yield* wait(this.writeNode(n, r.data.subarray(0, r.len), r.offset));
      // written (copied into the cache or through the device): the buffer serves the next run
      this.delayed.recycle(r.data);
      if (got < r.len) {
        // the rest is dropped, as Linux drops pages it failed to write back
        f.error ||= got < 0 ? got : -Errno.ENOSPC;
        return f.error;
      }
    }
    return 0;
  }

  /** Flushes every file's held data. @returns 0 or the first -errno (each file keeps its own). */
  private async flushAll(): Promise<number> {
    let first = 0;
    for (const n of this.delayed.keys()) {
      const r = await this.flushNode(n);
      if (r < 0 && first === 0) first = r;
    }
    return first;
  }

  /** The error a flush of `n` met since its last fsync or close (reported once). */
  private delayError(n: Ext4Node): number {
    const f = this.delayed.file(n);
    const e = f?.error ?? 0;
    if (f) {
      f.error = 0;
      this.delayed.settle(n);
    }
    return e;
  }

  private writeNode(n: Ext4Node, data: Uint8Array, offset: number) {
    const step = this.writeStep;
    if (data.length <= step) return this.writeHandle(n, data, offset);
    return this.writeSteps(n, data, offset, step);
  }

  /**
   * Bytes one write handle may cover. Its metadata is about two blocks (bitmap, descriptor share)
   * per block group its data reaches, so a handle over `capacity / 16` groups stays within an eighth
   * of the log; with a commit once a transaction reaches a quarter, none reaches the half a
   * commit may take (Linux sizes handles by credits the same way). No journal: no limit.
   */
  private get writeStep(): number {
    const j = this.journal;
    if (!j) return Number.POSITIVE_INFINITY;
    const groups = Math.max(1, Math.floor(j.capacity / 16));
    return groups * this.vol.sb.blocksPerGroup * this.vol.blockSize;
  }

  private writeHandle(node: Ext4Node, data: Uint8Array, offset: number): RkFsResult<number> {
    return this.locked((w) => this.writeHandleSteps(w, node, data, offset));
  }

  private *writeHandleSteps(w: Ext4Writer, node: Ext4Node, data: Uint8Array, offset: number) {
    const i = node.inode;
    const n = yield* w.writeData(i, data, offset);
    if (n < 0) {
      // the tree may have grown before the error: the inode on disk must say so
      const r = yield* w.storeInode(i);
      return r < 0 ? r : n;
    }
    this.touch(i, this.env.now(), true);
    const r = yield* w.storeChanged(i);
    return r < 0 ? r : n;
  }

  /**
   * A write larger than one handle: block-aligned pieces, one handle (and maybe a commit) each.
   * A failing piece ends the write short, as write(2) does: what went before stays written.
   */
  private async writeSteps(node: Ext4Node, data: Uint8Array, offset: number, step: number) {
    const bs = this.vol.blockSize;
    let done = 0;
    while (done < data.length) {
      const at = offset + done;
      const end = Math.min(data.length, Math.floor((at + step) / bs) * bs - offset);
      const n = await this.writeHandle(node, data.subarray(done, end), at);
      if (n < 0) return done > 0 ? done : n;
      done += n;
    }
    return done;
  }

  readdir(h: Ext4Handle, cookie: number, sink: RkFsDirSink): RkFsResult<number> {
    return runSteps(this.readdirSteps(h, cookie, sink));
  }

  private *readdirSteps(h: Ext4Handle, cookie: number, sink: RkFsDirSink): RkFsSteps<number> {
    const dir = h.node.inode;
    if (h.node.type !== S_IFDIR) return -Errno.ENOTDIR;
    const vol = this.vol;
    const bs = vol.blockSize;
    const blocks = Math.ceil(dir.size / bs);
    for (let lblk = Math.floor(cookie / bs); lblk < blocks; lblk++) {
      const d = yield* vol.dirEntry(dir, lblk);
      if (typeof d === 'number') return d;
      if (d === null) continue;
      const b = d.block.data;
      const end = hasTail(b, bs) ? bs - DIRENT_TAIL_SIZE : bs;
      const from = lblk === Math.floor(cookie / bs) ? cookie % bs : 0;
      let stopped = false;
      const bad = walkLeaf(b, end, bs, vol.filetype, vol.sb.inodesCount, (d) => {
        if (d.ino === 0 || d.off < from) return true;
        const name = decodeName(b, d.off + 8, d.off + 8 + d.nameLen);
        const next = lblk * bs + d.off + d.recLen;
        if (sink(name, d.ino, FT_TO_DT[d.ftype] ?? DT_UNKNOWN, next)) return true;
        stopped = true;
        return false;
      });
      if (bad) return vol.corrupt(`directory ${dir.ino} block ${lblk}: ${bad}`);
      if (stopped) return 0;
    }
    return 0;
  }

  /**
   * With a journal: waits for the commit of everything changed so far (data first) — unless the
   * file's metadata last changed in a transaction already committed (ext4_sync_file's check of
   * i_sync_tid): then its data reaches the disk and a barrier follows, no commit (nothing the data
   * needs is in the running transaction).
   */
  fsync(h: Ext4Handle, _datasync: boolean) {
    return andThen(this.flushNode(h.node), () => {
      const e = this.delayError(h.node);
      if (e < 0) return e;
      const j = this.journal;
      if (!j || !this.writer) return this.sync();
      const i = h.node.inode;
      return this.lock.steps(() => this.fsyncSteps(i, j));
    });
  }

  private *fsyncSteps(i: Ext4Inode, j: Jbd2Journal): RkFsSteps<number> {
    const changed = i.tid === undefined || i.tid === j.tid;
    if (changed && (j.size > 0 || this.vol.superDirty)) return yield* this.commit();
    return yield* this.dataBarrier();
  }

  /** File data held in the cache goes home, then a barrier (sent only when something was written). */
  private *dataBarrier(): RkFsSteps<number> {
    const r = yield* this.vol.cache.writeUnpinnedSteps(true);
    return r < 0 ? r : yield* wait(this.vol.cache.flush());
  }

  statfs(out: RkFsStatfs): Promise<number> | number {
    return this.afterDelayed(() => this.statfsNow(out));
  }

  private statfsNow(out: RkFsStatfs): number {
    const sb = this.vol.sb;
    let free = 0;
    let ifree = 0;
    for (const g of this.vol.groups) {
      free += g.freeBlocks;
      ifree += g.freeInodes;
    }
    const reserved = u32(sb.raw, 0x8);
    out.type = EXT4_SUPER_MAGIC_STATFS;
    out.bsize = sb.blockSize;
    out.frsize = sb.blockSize;
    out.blocks = sb.blocksCount;
    out.bfree = free;
    out.bavail = Math.max(0, free - reserved);
    out.files = sb.inodesCount;
    out.ffree = ifree;
    out.namelen = 255;
    out.flags = this.ro ? 1 : 0;
    return 0;
  }

  sync(): Promise<number> | number {
    if (!this.writer) return 0;
    return this.afterDelayed(() => this.syncNow());
  }

  private syncNow(): RkFsResult<number> {
    return this.lock.steps(() => this.syncSteps());
  }

  private *syncSteps(): RkFsSteps<number> {
    if (this.journal) {
      const c = yield* this.commit(true);
      if (c < 0) return c;
      const k = yield* wait(this.journal.checkpoint());
      if (k < 0) return k;
    } else if (this.vol.superDirty || this.vol.superCounts) {
      const r = yield* wait(storeSuper(this.vol, this.env.now().sec));
      if (r < 0) return r;
    }
    return yield* wait(this.vol.cache.sync());
  }

  async unmount(): Promise<number> {
    let r = await this.sync();
    if (r < 0) return r;
    if (this.journal && this.writer) r = await markNeedsRecovery(this.vol, false);
    if (r < 0) return r;
    this.vol.cache.release();
    this.nodes.clear();
    return 0;
  }

  release(node: Ext4Node): void {
    if (node !== this.root && node.opens === 0) this.nodes.delete(node.ino);
  }
}

/** Applies the times, mode and owners of `set` to `i`; ctime becomes `now`. */
function setAttrs(i: Ext4Inode, set: RkFsSetattr, now: RkFsTime): void {
  if (set.mode !== undefined) i.mode = (i.mode & 0o170000) | (set.mode & 0o7777);
  if (set.uid !== undefined) i.uid = set.uid;
  if (set.gid !== undefined) i.gid = set.gid;
  if (set.atime) i.setTime('atime', set.atime);
  if (set.mtime) i.setTime('mtime', set.mtime);
  i.setTime('ctime', now);
}

/** A fast symlink keeps its target in i_block (no data blocks, no extent tree). */
function isFastSymlink(i: Ext4Inode): boolean {
  return (i.flags & EXT4_EXTENTS_FL) === 0 && i.size < 60;
}

/** Device number of a device node: old 16-bit encoding in i_block[0], else the new one in i_block[1]. */
function rdevOf(i: Ext4Inode): number {
  const t = i.type;
  if (t !== 0o020000 && t !== 0o060000) return 0;
  const old = u32(i.iblock, 0);
  if (old) return ((old >>> 8) & 0xff) * 256 + (old & 0xff);
  const v = u32(i.iblock, 4);
  const major = (v & 0xfff00) >>> 8;
  const minor = (v & 0xff) | ((v >>> 12) & 0xfff00);
  return major * 256 + minor;
}
