// One mounted ext2/3/4 volume: the super block, group descriptors and block cache, and the reads
// everything else is built from — inodes, logical→physical mapping, verified directory blocks,
// file data. Corruption is reported once on the log and surfaces as -EUCLEAN (EFSCORRUPTED).

import { Errno } from '@runikraft/errno';
import type { RkAlloc } from '@runikraft/rkalloc';
import type { RkBlkdev } from '@runikraft/rkblkdev';
import { type RkFsResult, type RkFsSteps, runSteps, wait } from '@runikraft/vfscore';
import { blockMap } from './blockmap';
import { BlockCache, type CachedBlock } from './cache';
import { hasTail, leafCsum } from './dir';
import { type Ext4Run, ExtentCorrupt, extentMap } from './extents';
import { COMPAT, INCOMPAT } from './features';
import { BG_INODE_UNINIT, type GroupDesc, groupCsumOn, loadGroups } from './groups';
import { dxCsum, dxStoredCsum, isDxNodeBlock, parseDxNode, parseDxRoot } from './htree';
import {
  EXT4_EXTENTS_FL,
  EXT4_INDEX_FL,
  EXT4_INLINE_DATA_FL,
  Ext4Inode,
  inodeBytes,
  inodeCsum,
  storedInodeCsum,
} from './inode';
import { u32 } from './le';
import { cachedRun, keepRun } from './mapcache';
import {
  type Ext4MountError,
  type Ext4Super,
  has,
  parseSuper,
  SUPERBLOCK_OFFSET,
  SUPERBLOCK_SIZE,
} from './superblock';

export interface Ext4VolumeOptions {
  /** The block cache's LRU bound in bytes. */
  readonly cacheBytes: number;
  /** Receives corruption reports and warnings (one line each). */
  readonly log: (line: string) => void;
  /** Name used in messages (the mount source). */
  readonly name: string;
}

/**
 * One opened ext2/3/4 volume: super block, group descriptors and block cache, with the block-level
 * reads and writes the file system is built on.
 * @internal exported for tests and benchmarks; its shape follows the on-disk code, not an API.
 */
export class Ext4Volume {
  /** Free blocks and inodes (sums of the group counts, kept exact by the allocator). */
  freeBlocks: number;
  freeInodes: number;
  /** The super block changed (the orphan list's head) since it was last stored: the next commit logs it. */
  superDirty = false;
  /**
   * The free counts changed since the super block was last stored. They are stored at sync and
   * unmount, not logged by every commit: the group descriptors hold the exact counts and a mount
   * sums those (as Linux's ext4 keeps its counters and writes them in ext4_commit_super).
   */
  superCounts = false;

  private constructor(
    readonly sb: Ext4Super,
    readonly cache: BlockCache,
    readonly groups: GroupDesc[],
    private readonly opts: Ext4VolumeOptions,
  ) {
    this.freeBlocks = groups.reduce((a, g) => a + g.freeBlocks, 0);
    this.freeInodes = groups.reduce((a, g) => a + g.freeInodes, 0);
  }

  /**
   * Reads the super block and descriptors of `dev`.
   * @returns the volume, or why it cannot be mounted (a message and errno), or -EIO/-ENOMEM.
   */
  static async open(
    dev: RkBlkdev,
    alloc: RkAlloc,
    opts: Ext4VolumeOptions,
  ): Promise<Ext4Volume | Ext4MountError | number> {
    const info = dev.info();
    const ss = info.sectorSize;
    const bytes = Math.max(SUPERBLOCK_OFFSET + SUPERBLOCK_SIZE, ss);
    const n = Math.ceil(bytes / ss);
    const pa = alloc.memalign(4096, n * ss);
    if (!pa) return -Errno.ENOMEM;
    let raw: Uint8Array;
    try {
      const r = await dev.read(0, n, pa);
      if (r < 0) return r;
      const at = pa - dev.phys.base + SUPERBLOCK_OFFSET;
      raw = dev.phys.u8.slice(at, at + SUPERBLOCK_SIZE);
    } finally {
      alloc.free(pa);
    }
    const sb = parseSuper(raw, info.sectors * ss);
    if ('errno' in sb) return sb;
    if (sb.blockSize % ss !== 0)
      return { errno: Errno.EINVAL, message: `block size ${sb.blockSize} < sector size ${ss}` };
    const cache = new BlockCache(
      dev,
      alloc,
      sb.blockSize,
      Math.floor(opts.cacheBytes / sb.blockSize),
      sb.blocksCount,
    );
    const groups = await loadGroups(sb, cache);
    if (!Array.isArray(groups)) {
      cache.release();
      return groups;
    }
    return new Ext4Volume(sb, cache, groups, opts);
  }

  get blockSize(): number {
    return this.sb.blockSize;
  }

  /** Reports corruption. @returns -EUCLEAN. */
  corrupt(what: string): number {
    this.opts.log(`ext4 ${this.opts.name}: corrupt: ${what}\n`);
    return -Errno.EUCLEAN;
  }

  warn(what: string): void {
    this.opts.log(`ext4 ${this.opts.name}: ${what}\n`);
  }

  /** Where inode `ino` lives: its group's descriptor, block and byte offset. */
  inodeLocation(ino: number): { gd: GroupDesc; blk: number; off: number; index: number } | null {
    const sb = this.sb;
    if (!Number.isInteger(ino) || ino < 1 || ino > sb.inodesCount) return null;
    const g = Math.floor((ino - 1) / sb.inodesPerGroup);
    const index = (ino - 1) % sb.inodesPerGroup;
    const gd = this.groups[g]!;
    const byte = index * sb.inodeSize;
    return {
      gd,
      blk: gd.inodeTable + Math.floor(byte / sb.blockSize),
      off: byte % sb.blockSize,
      index,
    };
  }

  /**
   * Reads inode `ino` and checks it (checksum, extra size, in-use unless `deleted` is allowed: the
   * orphan list holds inodes without links).
   * @returns the inode, -EUCLEAN (corrupt, free or uninitialised), -EIO.
   */
  async readInode(ino: number, deleted = false): Promise<Ext4Inode | number> {
    const loc = this.inodeLocation(ino);
    if (!loc) return this.corrupt(`inode number ${ino} out of range`);
    const { gd } = loc;
    const unused =
      (groupCsumOn(this.sb) && gd.flags & BG_INODE_UNINIT) ||
      (groupCsumOn(this.sb) && loc.index >= this.sb.inodesPerGroup - gd.itableUnused);
    if (unused) return this.corrupt(`inode ${ino} is in the unused part of group ${gd.group}`);
    const b = await this.cache.get(loc.blk);
    if (typeof b === 'number') return b;
    const raw = inodeBytes(this.sb.inodeSize);
    raw.set(b.data.subarray(loc.off, loc.off + this.sb.inodeSize));
    const inode = new Ext4Inode(ino, raw, this.sb);
    if (this.sb.inodeSize > 128) {
      const x = inode.extraIsize;
      if (x % 4 !== 0 || 128 + x > this.sb.inodeSize)
        return this.corrupt(`inode ${ino}: i_extra_isize ${x}`);
    }
    if (this.sb.metadataCsum) {
      const want = storedInodeCsum(raw);
      const got = inodeCsum(this.sb, raw, inode.csumSeed);
      if (want !== got)
        return this.corrupt(
          `inode ${ino}: checksum 0x${want.toString(16)} != computed 0x${got.toString(16)}`,
        );
    }
    if (inode.links === 0 && !deleted)
      return this.corrupt(`inode ${ino} is deleted (links 0) but referenced`);
    if (inode.flags & EXT4_INLINE_DATA_FL)
      return this.corrupt(`inode ${ino} has inline data but inline_data is off`);
    inode.stored = true;
    return inode;
  }

  /**
   * Maps `lblk` of `inode` (from the inode's mapping cache when a lookup found it before).
   * @returns the run, -EUCLEAN (reported), -EIO.
   */
  map(inode: Ext4Inode, lblk: number): RkFsResult<Ext4Run | number> {
    return cachedRun(inode, lblk) ?? runSteps(this.lookup(inode, lblk));
  }

  /** map, inside a step generator. */
  *mapSteps(inode: Ext4Inode, lblk: number): RkFsSteps<Ext4Run | number> {
    return cachedRun(inode, lblk) ?? (yield* this.lookup(inode, lblk));
  }

  private *lookup(inode: Ext4Inode, lblk: number): RkFsSteps<Ext4Run | number> {
    const gen = inode.mapGen;
    const r =
      inode.flags & EXT4_EXTENTS_FL
        ? yield* extentMap(this.sb, this.cache, inode, lblk)
        : yield* wait(blockMap(this.sb, this.cache, inode, lblk));
    if (r instanceof ExtentCorrupt) return this.corrupt(r.message);
    if (typeof r !== 'number') keepRun(inode, gen, lblk, r);
    return r;
  }

  /**
   * Logical block `lblk` of a directory, checked once while cached: a leaf's checksum tail, or an
   * index node's. The result is the cache's view: use it before the next await (or copy it).
   * @returns the block, null for a hole, -EUCLEAN, -EIO.
   */
  async dirBlock(dir: Ext4Inode, lblk: number): Promise<Uint8Array | null | number> {
    const e = await runSteps(this.dirEntry(dir, lblk));
    return e === null || typeof e === 'number' ? e : e.block.data;
  }

  /**
   * dirBlock without I/O: the block when its mapping is cached (mapcache) and the block is cached
   * and was checked; null for a hole. @returns undefined when dirBlock would have to park.
   */
  cachedDirBlock(dir: Ext4Inode, lblk: number): Uint8Array | null | undefined {
    const m = cachedRun(dir, lblk);
    if (!m) return undefined;
    if (m.pblk === 0) return null;
    const e = this.cache.peek(m.pblk);
    if (!e || !(e.verified || !this.sb.metadataCsum)) return undefined;
    return e.data;
  }

  /** As dirBlock, with the cache entry and the physical block (for changing it). */
  *dirEntry(
    dir: Ext4Inode,
    lblk: number,
  ): RkFsSteps<{ block: CachedBlock; pblk: number } | null | number> {
    const m = yield* this.mapSteps(dir, lblk);
    if (typeof m === 'number') return m;
    if (m.pblk === 0) return null;
    const e = yield* wait(this.cache.get(m.pblk));
    if (typeof e === 'number')
      return e === -Errno.EUCLEAN ? this.corrupt(`dir ${dir.ino} block`) : e;
    const ok = { block: e, pblk: m.pblk };
    if (e.verified || !this.sb.metadataCsum) return ok;
    const b = e.data;
    const bs = this.sb.blockSize;
    const where = `directory ${dir.ino} block ${lblk} (${m.pblk})`;
    if (hasTail(b, bs)) {
      if (u32(b, bs - 4) !== leafCsum(dir.csumSeed, b, bs))
        return this.corrupt(`${where}: checksum mismatch`);
    } else if (this.indexed(dir) && (lblk === 0 || isDxNodeBlock(b, bs))) {
      const node =
        lblk === 0 ? parseDxRoot(b, bs, true, this.largeDir) : parseDxNode(b, 8, bs, true);
      if (typeof node === 'string') return this.corrupt(`${where}: ${node}`);
      const n = 'node' in node ? node.node : node;
      if (dxStoredCsum(b, n) !== dxCsum(dir.csumSeed, b, n))
        return this.corrupt(`${where}: index checksum mismatch`);
    } else return this.corrupt(`${where}: no checksum tail`);
    e.verified = true;
    return ok;
  }

  /** Is `dir` hash-indexed (and does the file system say indexes are used)? */
  indexed(dir: Ext4Inode): boolean {
    return (dir.flags & EXT4_INDEX_FL) !== 0 && has(this.sb.compat, COMPAT.dir_index);
  }

  get largeDir(): boolean {
    return has(this.sb.incompat, INCOMPAT.large_dir);
  }

  get filetype(): boolean {
    return has(this.sb.incompat, INCOMPAT.filetype);
  }

  /**
   * readData without parking: when every block the read covers is mapped by the inode's mapping
   * cache and held by the block cache (SQLite rereads its database header at each transaction).
   * @returns bytes read, or undefined when a block would have to be mapped or read (readData then).
   */
  readCached(inode: Ext4Inode, buf: Uint8Array, pos: number): number | undefined {
    const size = inode.size;
    if (pos >= size) return 0;
    const want = Math.min(buf.length, size - pos);
    const bs = this.sb.blockSize;
    const next = inode.readNext;
    for (let done = 0; done < want; ) {
      const at = pos + done;
      const lblk = Math.floor(at / bs);
      const inBlock = at % bs;
      const m = cachedRun(inode, lblk);
      const e = m && m.pblk !== 0 ? this.cache.peek(m.pblk) : undefined;
      if (!e) {
        // a hole, or not cached: readData (its read-ahead sees the stream as before this call)
        inode.readNext = next;
        return undefined;
      }
      const k = Math.min(want - done, bs - inBlock);
      buf.set(e.data.subarray(inBlock, inBlock + k), done);
      inode.readNext = lblk + 1;
      done += k;
    }
    return want;
  }

  /**
   * Reads file data at `pos` into `buf` (holes and unwritten extents as zeros), up to the file size.
   * @returns bytes read, -EUCLEAN, -EIO.
   */
  async readData(inode: Ext4Inode, buf: Uint8Array, pos: number): Promise<number> {
    const size = inode.size;
    if (pos >= size) return 0;
    const want = Math.min(buf.length, size - pos);
    const bs = this.sb.blockSize;
    let done = 0;
    while (done < want) {
      const at = pos + done;
      const lblk = Math.floor(at / bs);
      const inBlock = at % bs;
      const m = await this.map(inode, lblk);
      if (typeof m === 'number') return done > 0 ? done : m;
      const n = Math.min(want - done, m.len * bs - inBlock);
      const dst = buf.subarray(done, done + n);
      if (m.pblk === 0) dst.fill(0);
      else if (inBlock === 0 && n >= bs) {
        const whole = Math.floor(n / bs);
        const r = await this.cache.readRun(m.pblk, whole, dst.subarray(0, whole * bs));
        if (r < 0) return done > 0 ? done : r === -Errno.EUCLEAN ? this.corrupt('data') : r;
        done += whole * bs;
        inode.readNext = lblk + whole;
        continue;
      } else {
        // a part of a block: through the cache, reading ahead along the run when the stream is
        // sequential (the next small reads find their blocks cached)
        const seq = inode.readNext === lblk;
        inode.readNext = lblk + 1;
        const e = await (seq ? this.cache.getAhead(m.pblk, m.len) : this.cache.get(m.pblk));
        if (typeof e === 'number') return done > 0 ? done : e;
        const k = Math.min(n, bs - inBlock);
        dst.set(e.data.subarray(inBlock, inBlock + k));
        done += k;
        continue;
      }
      done += n;
    }
    return done;
  }
}
