// The write side of the driver: new inodes, directory entries (linear and hash-indexed), file data
// (blocks allocated near the inode, extents merged), truncation and freeing. Every changed block goes
// to the cache dirty; checksums are recomputed where the data changes.

import { Errno } from '@runikraft/errno';
import { type RkFsSteps, runSteps, wait } from '@runikraft/vfscore';
import type { RkFsTime } from '@runikraft/vfscore/driver';
import type { Ext4Alloc } from './alloc';
import { type BmapEnv, bmapAlloc, bmapTruncate, type MappedRun } from './blockmap';
import type { CachedBlock } from './cache';
import { FT_DIR } from './dir';
import { type DirGeom, formatLeaf, insertInLeaf, removeFromLeaf, retarget } from './dirwrite';
import { addIndexed, makeIndexed } from './dxadd';
import { EXT_INIT_MAX_LEN, EXT4_MAX_LBLK, type Ext4Extent } from './extents';
import {
  type ExtentList,
  insertExtent,
  normalise,
  punch,
  readExtents,
  writeExtents,
} from './extwrite';
import { COMPAT, INCOMPAT } from './features';
import {
  EXT4_EXTENTS_FL,
  EXT4_HUGE_FILE_FL,
  Ext4Inode,
  I_BLOCK_SIZE,
  inodeBytes,
  inSlot,
  sealInode,
} from './inode';
import { set16, set32 } from './le';
import type { Ext4Found } from './lookup';
import type { Ext4Node } from './node';
import { has } from './superblock';
import type { Ext4Volume } from './volume';

/** The largest run copied to send a new partial last block with it (larger runs: two requests). */
const TAIL_COPY = 64 << 10;

/** S_IF* → EXT4_FT_*. */
export function ftOf(type: number): number {
  return [0, 5, 3, 0, 2, 0, 4, 0, 1, 0, 7, 0, 6][type >>> 12] ?? 0;
}

export class Ext4Writer {
  private generation = 1;
  /** Extent inserts that could not change the tree in place and rebuilt it from the full list. */
  treeRebuilds = 0;
  /** Guest RAM where writeData pads a run's partial last block (written without a bounce copy). */
  private readonly padRam: (bytes: number) => Uint8Array | null;

  constructor(
    readonly vol: Ext4Volume,
    readonly alloc: Ext4Alloc,
    /** The running journal (which transaction a change joins), or null. */
    private readonly journal: { readonly tid: number } | null = null,
  ) {
    this.padRam = vol.cache.scratch();
  }

  /** `inode`'s metadata changed in the running transaction (an fsync of it must commit). */
  private changed(inode: Ext4Inode): void {
    inode.tid = this.journal ? this.journal.tid : 0;
  }

  get geom(): DirGeom {
    const v = this.vol;
    return {
      blockSize: v.blockSize,
      filetype: v.filetype,
      csum: v.sb.metadataCsum,
      maxIno: v.sb.inodesCount,
    };
  }

  /** Seals `inode` and puts it into its inode table block. */
  *storeInode(inode: Ext4Inode): RkFsSteps<number> {
    const loc = this.vol.inodeLocation(inode.ino)!;
    const e = yield* wait(this.vol.cache.get(loc.blk));
    if (typeof e === 'number') return e;
    this.put(inode, e, loc.off);
    return 0;
  }

  /** Is the inode table block of `inode` cached (storeCached can store it without parking)? */
  inodeCached(inode: Ext4Inode): boolean {
    return this.vol.cache.peek(this.vol.inodeLocation(inode.ino)!.blk) !== undefined;
  }

  /**
   * storeInode without parking, when its inode table block is cached (inodeCached).
   * @returns 0, or -EAGAIN when the block would have to be read.
   */
  storeCached(inode: Ext4Inode): number {
    const loc = this.vol.inodeLocation(inode.ino)!;
    const e = this.vol.cache.peek(loc.blk);
    if (!e) return -Errno.EAGAIN;
    this.put(inode, e, loc.off);
    return 0;
  }

  /**
   * Seals `inode` into its slot `e.data[off..]` unless it is there already (its metadata still
   * counts as changed in the running transaction: a directory's entries may have changed without
   * its inode bytes, in the same clock tick).
   */
  private put(inode: Ext4Inode, e: CachedBlock, off: number): void {
    this.changed(inode);
    if (!this.unchanged(inode, e, off)) this.seal(inode, e, off);
  }

  private seal(inode: Ext4Inode, e: CachedBlock, off: number): void {
    sealInode(this.vol.sb, inode);
    e.data.set(inode.raw, off);
    this.vol.cache.markDirty(e);
    inode.stored = true;
  }

  /**
   * Are `inode`'s bytes those stored at `e.data[off..]` as it was last stored or read? Its
   * checksum was computed over the same bytes then, so there is nothing to seal or write.
   */
  private unchanged(inode: Ext4Inode, e: CachedBlock, off: number): boolean {
    return inode.stored && inSlot(inode, e.data, off, this.vol.cache.words);
  }

  /**
   * As storeInode, but only when its bytes differ from the stored ones (a write inside allocated
   * blocks in the same clock tick as the last changes nothing: Linux's file_update_time skips
   * such an inode too, so its fsync needs no commit). @returns 0, -EIO.
   */
  *storeChanged(inode: Ext4Inode): RkFsSteps<number> {
    const loc = this.vol.inodeLocation(inode.ino)!;
    const e = yield* wait(this.vol.cache.get(loc.blk));
    if (typeof e === 'number') return e;
    if (this.unchanged(inode, e, loc.off)) return 0;
    this.seal(inode, e, loc.off);
    this.changed(inode);
    return 0;
  }

  /** Allocates and initialises an inode of `type` near `dir`. @returns it, -ENOSPC, -EIO. */
  *newInode(
    dir: Ext4Node,
    type: number,
    perm: number,
    now: RkFsTime,
    extents = true,
  ): RkFsSteps<Ext4Inode | number> {
    const sb = this.vol.sb;
    const ino = yield* this.alloc.allocInode(
      Math.floor((dir.ino - 1) / sb.inodesPerGroup),
      type === 0o040000,
    );
    if (ino < 0) return ino;
    const raw = inodeBytes(sb.inodeSize);
    set32(raw, 0x64, (this.generation++ * 2654435761) >>> 0);
    if (sb.inodeSize > 128) set16(raw, 0x80, Math.min(32, sb.inodeSize - 128));
    const inode = new Ext4Inode(ino, raw, sb);
    inode.mode = type | (perm & 0o7777);
    inode.links = 1;
    for (const f of ['atime', 'ctime', 'mtime', 'crtime'] as const) inode.setTime(f, now);
    if (extents && has(sb.incompat, INCOMPAT.extent)) {
      inode.flags = EXT4_EXTENTS_FL;
      const r = yield* writeExtents(this.vol, this.alloc, inode, { extents: [], tree: [] }, 0);
      if (r < 0) return r;
    }
    return inode;
  }

  /** i_blocks from the extent list (data + tree blocks, the xattr block). */
  private setBlocks(inode: Ext4Inode, list: ExtentList): void {
    let n = list.tree.length + (inode.fileAcl ? 1 : 0);
    for (const x of list.extents) n += x.len;
    inode.blocksRaw = inode.flags & EXT4_HUGE_FILE_FL ? n : n * (this.vol.blockSize / 512);
  }

  private goal(inode: Ext4Inode, list: ExtentList): number {
    const last = list.extents[list.extents.length - 1];
    if (last) return last.pblk + last.len;
    return this.vol.inodeLocation(inode.ino)!.gd.inodeTable;
  }

  /** Maps `[lblk, lblk + n)` of an extent file to blocks (allocating holes). @returns the list or -errno. */
  private *allocRange(
    inode: Ext4Inode,
    list: ExtentList,
    lblk: number,
    n: number,
  ): RkFsSteps<number> {
    if (lblk + n > EXT4_MAX_LBLK) return -Errno.EFBIG;
    const xs = list.extents;
    let changed = false;
    for (let at = lblk; at < lblk + n; ) {
      const x = xs.find((e) => e.lblk <= at && at < e.lblk + e.len);
      if (x && !x.unwritten) {
        at = x.lblk + x.len;
        continue;
      }
      if (x) {
        // an unwritten extent: the part written becomes written (its data is zeroed by the caller)
        const end = Math.min(x.lblk + x.len, lblk + n);
        const gone = punch(xs, at, end - at);
        for (const g of gone) xs.push({ ...g, unwritten: false });
        changed = true;
        at = end;
        continue;
      }
      const next = xs.filter((e) => e.lblk > at).reduce((m, e) => Math.min(m, e.lblk), lblk + n);
      const got = yield* this.alloc.allocBlocks(
        this.goal(inode, list),
        Math.min(next, lblk + n) - at,
      );
      if (typeof got === 'number') return got;
      xs.push({ lblk: at, len: got[1], pblk: got[0], unwritten: false });
      normalise(xs);
      changed = true;
      at += got[1];
    }
    if (!changed) return 0;
    normalise(xs);
    const r = yield* writeExtents(this.vol, this.alloc, inode, list, this.goal(inode, list));
    if (r < 0) return r;
    this.setBlocks(inode, list);
    return 1;
  }

  /** The block map's view of the volume (block-mapped files). */
  private get bmap(): BmapEnv {
    const { vol, alloc } = this;
    return {
      sb: vol.sb,
      cache: vol.cache,
      allocBlocks: (goal, want) => runSteps(alloc.allocBlocks(goal, want)),
      freeBlocks: (blk, n) => runSteps(alloc.freeBlocks(blk, n)),
      corrupt: (what) => vol.corrupt(what),
    };
  }

  /** Adds `delta` fs blocks to i_blocks. */
  private addBlocks(inode: Ext4Inode, delta: number): void {
    const per = inode.flags & EXT4_HUGE_FILE_FL ? 1 : this.vol.blockSize / 512;
    inode.blocksRaw = Math.max(0, inode.blocksRaw + delta * per);
  }

  /**
   * Maps `[lblk, lblk + n)` of `inode` to blocks, allocating holes (and turning unwritten extents
   * written). @returns the runs in order, which blocks are new (their old content is garbage) and,
   * when the disk filled part way through, `end`: the first block left unmapped (a short write).
   */
  private *mapForWrite(
    inode: Ext4Inode,
    lblk: number,
    n: number,
  ): RkFsSteps<{ runs: MappedRun[]; fresh: (lb: number) => boolean; end?: number } | number> {
    if (!(inode.flags & EXT4_EXTENTS_FL)) {
      let goal = this.vol.inodeLocation(inode.ino)!.gd.inodeTable;
      if (lblk > 0) {
        const m = yield* this.vol.mapSteps(inode, lblk - 1);
        if (typeof m === 'number') return m;
        if (m.pblk !== 0) goal = m.pblk + 1;
      }
      const r = yield* wait(bmapAlloc(this.bmap, inode, lblk, n, goal));
      if (typeof r === 'number') return r;
      this.addBlocks(inode, r.added);
      if (r.end === lblk) return -Errno.ENOSPC;
      const fresh = (lb: number) => r.fresh.some((x) => x.lblk <= lb && lb < x.lblk + x.len);
      return r.end === undefined ? { runs: r.runs, fresh } : { runs: r.runs, fresh, end: r.end };
    }
    if (lblk + n > EXT4_MAX_LBLK) return -Errno.EFBIG;
    // the mapped runs and the holes, found through the tree's path alone
    const runs: MappedRun[] = [];
    const holes: MappedRun[] = [];
    for (let at = lblk; at < lblk + n; ) {
      const m = yield* this.vol.mapSteps(inode, at);
      if (typeof m === 'number') return m;
      if (m.unwritten) return yield* this.mapUnwritten(inode, lblk, n);
      const len = Math.min(m.len, lblk + n - at);
      if (m.pblk !== 0) runs.push({ lblk: at, len, pblk: m.pblk });
      else holes.push({ lblk: at, len, pblk: 0 });
      at += len;
    }
    const fresh: MappedRun[] = [];
    const isFresh = (lb: number) => fresh.some((x) => x.lblk <= lb && lb < x.lblk + x.len);
    for (const h of holes)
      for (let k = 0; k < h.len; ) {
        let goal = this.vol.inodeLocation(inode.ino)!.gd.inodeTable;
        if (h.lblk + k > 0) {
          const m = yield* this.vol.mapSteps(inode, h.lblk + k - 1);
          if (typeof m === 'number') return m;
          if (m.pblk !== 0) goal = m.pblk + 1;
        }
        const got = yield* this.alloc.allocBlocks(goal, Math.min(h.len - k, EXT_INIT_MAX_LEN));
        if (got === -Errno.ENOSPC && h.lblk + k > lblk) {
          // full part way: what is mapped up to here is written, as write(2) writes what fits
          runs.sort((a, b) => a.lblk - b.lblk);
          return { runs, fresh: isFresh, end: h.lblk + k };
        }
        if (typeof got === 'number') return got;
        const x = { lblk: h.lblk + k, len: got[1], pblk: got[0], unwritten: false };
        const r = yield* this.addExtent(inode, x);
        if (r < 0) {
          yield* this.alloc.freeBlocks(x.pblk, x.len);
          return r;
        }
        runs.push(x);
        fresh.push(x);
        k += x.len;
      }
    runs.sort((a, b) => a.lblk - b.lblk);
    return { runs, fresh: isFresh };
  }

  /**
   * Adds the written extent `x` (a former hole) to the tree: in place in its leaf when that works,
   * else by rebuilding the tree from the full list. @returns 0 or -errno.
   */
  private *addExtent(inode: Ext4Inode, x: Ext4Extent): RkFsSteps<number> {
    const r = yield* insertExtent(this.vol, this.alloc, inode, x);
    if (r !== null && r >= 0) {
      this.addBlocks(inode, x.len + r);
      return 0;
    }
    if (r !== null) return r;
    this.treeRebuilds++;
    const list = yield* readExtents(this.vol, inode);
    if (typeof list === 'number') return list;
    list.extents.push(x);
    normalise(list.extents);
    const w = yield* writeExtents(this.vol, this.alloc, inode, list, x.pblk + x.len);
    if (w < 0) return w;
    this.setBlocks(inode, list);
    return 0;
  }

  /** mapForWrite over unwritten extents: the list changed whole and the tree rebuilt. */
  private *mapUnwritten(
    inode: Ext4Inode,
    lblk: number,
    n: number,
  ): RkFsSteps<{ runs: MappedRun[]; fresh: (lb: number) => boolean } | number> {
    const list = yield* readExtents(this.vol, inode);
    if (typeof list === 'number') return list;
    const before = list.extents.filter((x) => !x.unwritten);
    const r = yield* this.allocRange(inode, list, lblk, n);
    if (r < 0) return r;
    const runs: MappedRun[] = [];
    for (const x of list.extents) {
      const from = Math.max(x.lblk, lblk);
      const to = Math.min(x.lblk + x.len, lblk + n);
      if (from < to) runs.push({ lblk: from, len: to - from, pblk: x.pblk + (from - x.lblk) });
    }
    const fresh = (lb: number) => {
      const now = runs.find((x) => x.lblk <= lb && lb < x.lblk + x.len)!;
      const pblk = now.pblk + (lb - now.lblk);
      return !before.some(
        (e) => e.lblk <= lb && lb < e.lblk + e.len && e.pblk + (lb - e.lblk) === pblk,
      );
    };
    return { runs, fresh };
  }

  /**
   * Writes `buf` at `pos` of a regular file or directory (extents or a block map).
   * @returns bytes written, -ENOSPC, -EFBIG, -EIO.
   */
  *writeData(inode: Ext4Inode, buf: Uint8Array, pos: number, fresh = false): RkFsSteps<number> {
    const bs = this.vol.blockSize;
    const first = Math.floor(pos / bs);
    const last = Math.floor((pos + buf.length - 1) / bs);
    const meta = this.vol.cache.metaChanges;
    const m = yield* this.mapForWrite(inode, first, last - first + 1);
    // blocks allocated, extents written or the tree grown: the file's mapping is in this transaction
    if (this.vol.cache.metaChanges !== meta) this.changed(inode);
    if (typeof m === 'number') return m;
    if (m.end !== undefined) buf = buf.subarray(0, m.end * bs - pos);
    for (const x of m.runs) {
      const stop = Math.min(x.lblk + x.len, m.end ?? Number.POSITIVE_INFINITY);
      for (let lb = x.lblk; lb < stop; ) {
        const pblk = x.pblk + (lb - x.lblk);
        const from = Math.max(pos, lb * bs);
        // whole blocks of this run go to the device in one request
        const wholeEnd = Math.min(x.lblk + x.len, Math.floor((pos + buf.length) / bs));
        if (from === lb * bs && wholeEnd > lb) {
          const end = pos + buf.length;
          const tail = wholeEnd < stop && end > wholeEnd * bs && (fresh || m.fresh(wholeEnd));
          if (tail && (wholeEnd - lb) * bs <= TAIL_COPY) {
            // a new partial last block goes out in the same request, zero-padded, and stays
            // cached (a later write into it needs no read): the run and it, one request
            const t = yield* this.vol.cache.zeroedSteps(pblk + (wholeEnd - lb), true);
            if (typeof t === 'number') return t;
            const bytes = (wholeEnd + 1 - lb) * bs;
            // (the lock is held until the run is written: no other write reuses the buffer)
            const padded = this.padRam(bytes)?.subarray(0, bytes) ?? new Uint8Array(bytes);
            padded.set(buf.subarray(from - pos, end - pos));
            padded.fill(0, end - from);
            const r = yield* this.vol.cache.writeRunSteps(pblk, wholeEnd + 1 - lb, padded);
            if (r < 0) return r;
            lb = wholeEnd + 1;
            continue;
          }
          const r = yield* this.vol.cache.writeRunSteps(
            pblk,
            wholeEnd - lb,
            buf.subarray(from - pos, wholeEnd * bs - pos),
          );
          if (r < 0) return r;
          lb = wholeEnd;
          continue;
        }
        const to = Math.min(pos + buf.length, (lb + 1) * bs);
        const cache = this.vol.cache;
        const e =
          fresh || m.fresh(lb)
            ? yield* cache.zeroedSteps(pblk, true)
            : yield* wait(cache.get(pblk));
        if (typeof e === 'number') return e;
        e.data.set(buf.subarray(from - pos, to - pos), from - lb * bs);
        cache.markData(e);
        lb++;
      }
    }
    if (pos + buf.length > inode.size) inode.size = pos + buf.length;
    return buf.length;
  }

  /** Cuts or extends `inode` to `size` bytes, freeing blocks past it and zeroing the tail block. */
  *truncate(inode: Ext4Inode, size: number): RkFsSteps<number> {
    const bs = this.vol.blockSize;
    if (size < inode.size) {
      const keep = Math.ceil(size / bs);
      if (inode.flags & EXT4_EXTENTS_FL) {
        const list = yield* readExtents(this.vol, inode);
        if (typeof list === 'number') return list;
        const gone = punch(list.extents, keep, EXT4_MAX_LBLK - keep);
        for (const g of gone) {
          const r = yield* this.alloc.freeBlocks(g.pblk, g.len);
          if (r < 0) return r;
        }
        if (gone.length > 0) {
          const r = yield* writeExtents(this.vol, this.alloc, inode, list, this.goal(inode, list));
          if (r < 0) return r;
          this.setBlocks(inode, list);
        }
      } else {
        const r = yield* wait(bmapTruncate(this.bmap, inode, keep));
        if (r < 0) return r;
        this.addBlocks(inode, -r);
      }
      if (size % bs !== 0) {
        const m = yield* this.vol.mapSteps(inode, Math.floor(size / bs));
        if (typeof m === 'number') return m;
        if (m.pblk !== 0) {
          const e = yield* wait(this.vol.cache.get(m.pblk));
          if (typeof e === 'number') return e;
          e.data.fill(0, size % bs);
          this.vol.cache.markData(e);
        }
      }
    }
    inode.size = size;
    return 0;
  }

  /** Frees every block and the inode itself (links reached 0 and nothing holds it open). */
  *dropInode(inode: Ext4Inode, now: RkFsTime): RkFsSteps<number> {
    const dir = inode.type === 0o040000;
    if (inode.flags & EXT4_EXTENTS_FL) {
      const list = yield* readExtents(this.vol, inode);
      if (typeof list === 'number') return list;
      for (const x of list.extents) {
        const r = yield* this.alloc.freeBlocks(x.pblk, x.len);
        if (r < 0) return r;
      }
      // an empty root, as Linux leaves it: e2fsck judges an extent flag over garbage as a bad inode
      list.extents = [];
      const r = yield* writeExtents(this.vol, this.alloc, inode, list, 0);
      if (r < 0) return r;
    } else if (inode.type !== 0o120000 || inode.size >= I_BLOCK_SIZE) {
      const r = yield* wait(bmapTruncate(this.bmap, inode, 0));
      if (r < 0) return r;
    }
    inode.links = 0;
    inode.size = 0;
    inode.blocksRaw = 0;
    inode.dtime = now.sec;
    const r = yield* this.storeInode(inode);
    return r < 0 ? r : yield* this.alloc.freeInode(inode.ino, dir);
  }

  /** Adds `name` → `ino` to `dir`. @returns 0, -ENOSPC, -EUCLEAN, -EIO. */
  *addEntry(dir: Ext4Node, name: Uint8Array, ino: number, type: number): RkFsSteps<number> {
    const ft = this.vol.filetype ? ftOf(type) : 0;
    if (this.vol.indexed(dir.inode)) return yield* wait(addIndexed(this, dir.inode, name, ino, ft));
    const blocks = Math.ceil(dir.inode.size / this.vol.blockSize);
    for (let lblk = 0; lblk < blocks; lblk++) {
      const d = yield* this.vol.dirEntry(dir.inode, lblk);
      if (typeof d === 'number') return d;
      if (d === null) continue;
      const r = insertInLeaf(d.block.data, this.geom, dir.inode.csumSeed, name, ino, ft);
      if (typeof r === 'string')
        return this.vol.corrupt(`directory ${dir.ino} block ${lblk}: ${r}`);
      if (r) {
        this.vol.cache.markDirty(d.block);
        return 0;
      }
    }
    if (blocks === 1 && has(this.vol.sb.compat, COMPAT.dir_index)) {
      const r = yield* wait(makeIndexed(this, dir.inode, name, ino, ft));
      if (r !== null) return r;
    }
    const b = yield* this.appendBlock(dir.inode);
    if (typeof b === 'number') return b;
    const r = insertInLeaf(b, this.geom, dir.inode.csumSeed, name, ino, ft);
    return r === true
      ? 0
      : this.vol.corrupt(`directory ${dir.ino}: a fresh block refused an entry`);
  }

  /** A new formatted leaf at the end of `dir`. @returns its cached data (use before awaiting). */
  *appendBlock(dir: Ext4Inode): RkFsSteps<Uint8Array | number> {
    const bs = this.vol.blockSize;
    const lblk = Math.ceil(dir.size / bs);
    const m = yield* this.mapForWrite(dir, lblk, 1);
    if (typeof m === 'number') return m;
    dir.size = (lblk + 1) * bs;
    const e = yield* this.vol.cache.zeroedSteps(m.runs[0]!.pblk);
    if (typeof e === 'number') return e;
    formatLeaf(e.data, this.geom, dir.csumSeed);
    e.verified = true;
    const s = yield* this.storeInode(dir);
    if (s < 0) return s;
    return this.vol.cache.peek(e.blk)!.data;
  }

  /** Removes the entry `f` of `dir`. */
  *removeEntry(dir: Ext4Node, f: Ext4Found): RkFsSteps<number> {
    const d = yield* this.vol.dirEntry(dir.inode, f.lblk);
    if (d === null || typeof d === 'number') return d ?? -Errno.EIO;
    const bad = removeFromLeaf(d.block.data, this.geom, dir.inode.csumSeed, f.off);
    if (bad) return this.vol.corrupt(`directory ${dir.ino} block ${f.lblk}: ${bad}`);
    this.vol.cache.markDirty(d.block);
    return 0;
  }

  /** Points entry `f` of `dir` at `ino`. */
  *retargetEntry(dir: Ext4Node, f: Ext4Found, ino: number, type: number): RkFsSteps<number> {
    const d = yield* this.vol.dirEntry(dir.inode, f.lblk);
    if (d === null || typeof d === 'number') return d ?? -Errno.EIO;
    retarget(
      d.block.data,
      this.geom,
      dir.inode.csumSeed,
      f.off,
      ino,
      this.vol.filetype ? ftOf(type) : 0,
    );
    this.vol.cache.markDirty(d.block);
    return 0;
  }

  /** Formats the first block of a new directory: ".", "..". */
  *initDir(dir: Ext4Inode, parent: number): RkFsSteps<number> {
    const b = yield* this.appendBlock(dir);
    if (typeof b === 'number') return b;
    const g = this.geom;
    const seed = dir.csumSeed;
    const dot = Uint8Array.of(0x2e);
    const ok1 = insertInLeaf(b, g, seed, dot, dir.ino, this.vol.filetype ? FT_DIR : 0);
    const ok2 = insertInLeaf(
      b,
      g,
      seed,
      Uint8Array.of(0x2e, 0x2e),
      parent,
      this.vol.filetype ? FT_DIR : 0,
    );
    return ok1 === true && ok2 === true ? 0 : -Errno.EIO;
  }
}
