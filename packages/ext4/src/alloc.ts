// Block and inode allocation (Linux ext4 mballoc/ialloc, simplified): bitmaps read through the
// block cache, uninitialised groups' bitmaps built on first use, group descriptor and super block
// counts kept exact, bitmap checksums (metadata_csum) recomputed on every change — with a journal,
// once per commit for each group changed in the transaction (seal), as no one reads them before.
// The calls are step generators (vfscore's runSteps): without a wait when the bitmaps are cached.
import { Errno } from '@runikraft/errno';
import { type RkFsSteps, wait } from '@runikraft/vfscore';
import { crc32c } from './crc32c';
import { INCOMPAT } from './features';
import {
  BG_BLOCK_UNINIT,
  BG_INODE_UNINIT,
  type GroupDesc,
  groupFirstBlock,
  groupHasSuper,
  storeGroup,
} from './groups';
import { set16, set32, setHilo } from './le';
import { has, sealSuper } from './superblock';
import type { Ext4Volume } from './volume';

const bitSet = (b: Uint8Array, i: number) => (b[i >> 3]! & (1 << (i & 7))) !== 0;
const setBit = (b: Uint8Array, i: number) => void (b[i >> 3]! |= 1 << (i & 7));
const clearBit = (b: Uint8Array, i: number) => void (b[i >> 3]! &= ~(1 << (i & 7)));

/** The first clear bit of `b` in `[from, to)` (whole bytes of set bits skipped), or `to`. */
function nextClear(b: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to) {
    if ((i & 7) === 0 && b[i >> 3] === 0xff) i += 8;
    else if (bitSet(b, i)) i++;
    else return i;
  }
  return to;
}

/** What the journal needs from the allocator: freed blocks, and which are not reusable yet. */
export interface Ext4AllocJournal {
  forget(blk: number, n: number): void;
  busy(blk: number): boolean;
  readonly hasFreed: boolean;
}

export class Ext4Alloc {
  /** Journaled: groups changed in the running transaction whose checksums and descriptor seal() stores. */
  private readonly unsealed = new Map<GroupDesc, { block: boolean; inode: boolean }>();
  /**
   * Per group, a range of block bitmap bits known to be all set, [full[2g], full[2g + 1]): a scan
   * starting inside it starts at its end. Allocations near one goal (the inode table, with the
   * group's data after it) scan from the same place, so without it each walked the bitmap over all
   * the blocks in use after the goal. A scan's first clear bit extends the range; a free inside it
   * cuts it there.
   */
  private readonly full: number[] = [];

  constructor(
    private readonly vol: Ext4Volume,
    private readonly journal: Ext4AllocJournal | null = null,
  ) {}

  private get sb() {
    return this.vol.sb;
  }

  /** Blocks in group `g` (the last group may be short). */
  private groupBlocks(g: number): number {
    const sb = this.sb;
    return Math.min(sb.blocksPerGroup, sb.blocksCount - groupFirstBlock(sb, g));
  }

  /** The block bitmap of `gd`, initialised first when the group is BLOCK_UNINIT. */
  private *blockBitmap(gd: GroupDesc): RkFsSteps<Uint8Array | number> {
    const e = yield* wait(this.vol.cache.get(gd.blockBitmap));
    if (typeof e === 'number') return e;
    this.vol.cache.markDirty(e); // the caller changes it before its next await
    if (gd.flags & BG_BLOCK_UNINIT) {
      const r = this.initBlockBitmap(gd, e.data);
      if (r < 0) return r;
      gd.flags &= ~BG_BLOCK_UNINIT;
      this.full[2 * gd.group] = this.full[2 * gd.group + 1] = 0;
    }
    return e.data;
  }

  /** What Linux's ext4_init_block_bitmap computes: metadata in this group, padding past its end. */
  private initBlockBitmap(gd: GroupDesc, b: Uint8Array): number {
    const sb = this.sb;
    if (has(sb.incompat, INCOMPAT.meta_bg))
      return this.vol.corrupt(
        `group ${gd.group}: BLOCK_UNINIT with meta_bg is not initialised here`,
      );
    b.fill(0);
    const first = groupFirstBlock(sb, gd.group);
    const n = this.groupBlocks(gd.group);
    const mark = (blk: number) => {
      if (blk >= first && blk < first + n) setBit(b, blk - first);
    };
    if (groupHasSuper(sb, gd.group)) {
      const gdt = Math.ceil(sb.groupCount / (sb.blockSize / sb.descSize)) + sb.reservedGdtBlocks;
      for (let i = 0; i <= gdt; i++) mark(first + i);
    }
    const itBlocks = Math.ceil((sb.inodesPerGroup * sb.inodeSize) / sb.blockSize);
    for (const h of this.vol.groups) {
      mark(h.blockBitmap);
      mark(h.inodeBitmap);
      for (let i = 0; i < itBlocks; i++) mark(h.inodeTable + i);
    }
    for (let i = n; i < sb.blockSize * 8; i++) setBit(b, i);
    return 0;
  }

  private *inodeBitmap(gd: GroupDesc): RkFsSteps<Uint8Array | number> {
    const e = yield* wait(this.vol.cache.get(gd.inodeBitmap));
    if (typeof e === 'number') return e;
    this.vol.cache.markDirty(e); // the caller changes it before its next await
    if (gd.flags & BG_INODE_UNINIT) {
      e.data.fill(0);
      for (let i = this.sb.inodesPerGroup; i < this.sb.blockSize * 8; i++) setBit(e.data, i);
      gd.flags &= ~BG_INODE_UNINIT;
    }
    return e.data;
  }

  /**
   * Re-checksums the bitmaps of `gd`, stores the descriptor and the super block counts; with a
   * journal, the bitmaps (pinned in the running transaction) are checksummed and the descriptor
   * stored by seal(), before the transaction commits.
   */
  private *commit(
    gd: GroupDesc,
    block: Uint8Array | null,
    inode: Uint8Array | null,
  ): RkFsSteps<number> {
    this.vol.superCounts = true;
    if (this.journal) {
      const u = this.unsealed.get(gd);
      if (u) {
        u.block ||= block !== null;
        u.inode ||= inode !== null;
      } else this.unsealed.set(gd, { block: block !== null, inode: inode !== null });
      return 0;
    }
    return yield* this.store(gd, block, inode);
  }

  /**
   * Checksums and stores every group the running transaction changed (the journal calls it before
   * it collects the transaction's blocks). @returns 0, -EIO.
   */
  *seal(): RkFsSteps<number> {
    for (const [gd, u] of this.unsealed) {
      const block = u.block ? yield* this.bitmapData(gd.blockBitmap) : null;
      if (typeof block === 'number') return block;
      const inode = u.inode ? yield* this.bitmapData(gd.inodeBitmap) : null;
      if (typeof inode === 'number') return inode;
      const r = yield* this.store(gd, block, inode);
      if (r < 0) return r;
      this.unsealed.delete(gd);
    }
    return 0;
  }

  private *bitmapData(blk: number): RkFsSteps<Uint8Array | number> {
    const e = yield* wait(this.vol.cache.get(blk));
    return typeof e === 'number' ? e : e.data;
  }

  private store(
    gd: GroupDesc,
    block: Uint8Array | null,
    inode: Uint8Array | null,
  ): RkFsSteps<number> {
    const sb = this.sb;
    if (sb.metadataCsum) {
      const wide = sb.descSize >= 64;
      if (block) {
        const c = crc32c(sb.csumSeed, block, 0, sb.blocksPerGroup / 8);
        set16(gd.raw, 0x18, c & 0xffff);
        if (wide) set16(gd.raw, 0x38, c >>> 16);
      }
      if (inode) {
        const c = crc32c(sb.csumSeed, inode, 0, sb.inodesPerGroup / 8);
        set16(gd.raw, 0x1a, c & 0xffff);
        if (wide) set16(gd.raw, 0x3a, c >>> 16);
      }
    }
    return storeGroup(sb, this.vol.cache, gd);
  }

  /**
   * Allocates up to `want` contiguous blocks, the first at or after `goal` when possible.
   * @returns [first block, count], or -ENOSPC, -EIO, -EUCLEAN.
   */
  *allocBlocks(goal: number, want: number): RkFsSteps<[number, number] | number> {
    const sb = this.sb;
    const g0 = Math.max(
      0,
      Math.min(sb.groupCount - 1, Math.floor((goal - sb.firstDataBlock) / sb.blocksPerGroup)),
    );
    for (let k = 0; k < sb.groupCount; k++) {
      const gd = this.vol.groups[(g0 + k) % sb.groupCount]!;
      if (gd.freeBlocks === 0) continue;
      const b = yield* this.blockBitmap(gd);
      if (typeof b === 'number') return b;
      const first = groupFirstBlock(sb, gd.group);
      const n = this.groupBlocks(gd.group);
      const start = k === 0 ? Math.max(0, Math.min(n - 1, goal - first)) : 0;
      // blocks freed by the uncommitted transaction keep their old owner's data until it commits
      const j = this.journal?.hasFreed ? this.journal : null;
      const used = (i: number) => bitSet(b, i) || j?.busy(first + i);
      const f = this.full;
      const g2 = 2 * gd.group;
      for (const [from, to] of [
        [start, n],
        [0, start],
      ] as const) {
        // a scan from inside the known-full range starts at its end; the bits it passes before
        // its first clear one are set, so the range grows to there (or becomes this scan's when
        // that is apart and longer)
        const lo = f[g2] ?? 0;
        const hi = f[g2 + 1] ?? 0;
        const inside = from >= lo && from <= hi;
        let i = nextClear(b, inside ? Math.min(hi, to) : from, to);
        if (inside) f[g2 + 1] = Math.max(hi, i);
        else if (i - from > hi - lo) {
          f[g2] = from;
          f[g2 + 1] = i;
        }
        for (; i < to; i = nextClear(b, i + 1, to)) {
          if (used(i)) continue;
          let len = 1;
          while (len < want && i + len < n && !used(i + len)) len++;
          for (let j = 0; j < len; j++) setBit(b, i + j);
          if (f[g2 + 1] === i) f[g2 + 1] = i + len;
          gd.freeBlocks -= len;
          this.vol.freeBlocks -= len;
          const r = yield* this.commit(gd, b, null);
          return r < 0 ? r : [first + i, len];
        }
      }
    }
    return -Errno.ENOSPC;
  }

  /** Returns `n` blocks from `blk` to the free pool. @returns 0, -EUCLEAN (already free), -EIO. */
  *freeBlocks(blk: number, n: number): RkFsSteps<number> {
    const sb = this.sb;
    while (n > 0) {
      const g = Math.floor((blk - sb.firstDataBlock) / sb.blocksPerGroup);
      const gd = this.vol.groups[g];
      if (!gd) return this.vol.corrupt(`freeing block ${blk} outside the file system`);
      const first = groupFirstBlock(sb, g);
      const k = Math.min(n, first + this.groupBlocks(g) - blk);
      const b = yield* this.blockBitmap(gd);
      if (typeof b === 'number') return b;
      for (let i = 0; i < k; i++) {
        if (!bitSet(b, blk - first + i)) return this.vol.corrupt(`freeing free block ${blk + i}`);
        clearBit(b, blk - first + i);
      }
      const at = blk - first;
      if (at < (this.full[2 * g + 1] ?? 0) && at + k > (this.full[2 * g] ?? 0))
        this.full[2 * g + 1] = Math.max(this.full[2 * g] ?? 0, at);
      gd.freeBlocks += k;
      this.vol.freeBlocks += k;
      this.journal?.forget(blk, k);
      const r = yield* this.commit(gd, b, null);
      if (r < 0) return r;
      blk += k;
      n -= k;
    }
    return 0;
  }

  /**
   * Allocates an inode, in `goalGroup` when it has one free. @returns the inode number, -ENOSPC.
   */
  *allocInode(goalGroup: number, dir: boolean): RkFsSteps<number> {
    const sb = this.sb;
    for (let k = 0; k < sb.groupCount; k++) {
      const gd = this.vol.groups[(goalGroup + k) % sb.groupCount]!;
      if (gd.freeInodes === 0) continue;
      const b = yield* this.inodeBitmap(gd);
      if (typeof b === 'number') return b;
      const base = gd.group * sb.inodesPerGroup;
      const ipg = sb.inodesPerGroup;
      for (let i = nextClear(b, 0, ipg); i < ipg; i = nextClear(b, i + 1, ipg)) {
        if (base + i + 1 < sb.firstIno) continue;
        setBit(b, i);
        gd.freeInodes--;
        this.vol.freeInodes--;
        if (dir) gd.usedDirs++;
        if (i >= sb.inodesPerGroup - gd.itableUnused) gd.itableUnused = sb.inodesPerGroup - i - 1;
        const r = yield* this.commit(gd, null, b);
        return r < 0 ? r : base + i + 1;
      }
    }
    return -Errno.ENOSPC;
  }

  /** Frees inode `ino` in its bitmap. @returns 0, -EUCLEAN, -EIO. */
  *freeInode(ino: number, dir: boolean): RkFsSteps<number> {
    const loc = this.vol.inodeLocation(ino);
    if (!loc) return this.vol.corrupt(`freeing inode ${ino}`);
    const b = yield* this.inodeBitmap(loc.gd);
    if (typeof b === 'number') return b;
    if (!bitSet(b, loc.index)) return this.vol.corrupt(`freeing free inode ${ino}`);
    clearBit(b, loc.index);
    loc.gd.freeInodes++;
    this.vol.freeInodes++;
    if (dir) loc.gd.usedDirs--;
    return yield* this.commit(loc.gd, null, b);
  }
}

/** Writes the free counts, the write time and the checksum into the super block's cached block. */
export async function storeSuper(vol: Ext4Volume, wtime: number): Promise<number> {
  const sb = vol.sb;
  setHilo(sb.raw, 0xc, 0x158, 4, vol.freeBlocks);
  set32(sb.raw, 0x10, vol.freeInodes);
  set32(sb.raw, 0x30, wtime);
  sealSuper(sb);
  const blk = Math.floor(1024 / sb.blockSize);
  const e = await vol.cache.get(blk);
  if (typeof e === 'number') return e;
  e.data.set(sb.raw, 1024 - blk * sb.blockSize);
  vol.cache.markDirty(e);
  vol.superDirty = false;
  vol.superCounts = false;
  return 0;
}
