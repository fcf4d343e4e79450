// Block maps of ext2/ext3 files (disk layout "Direct/Indirect Block Addressing"): 12 direct pointers,
// then single, double and triple indirect blocks of 32-bit pointers; 0 is a hole.

import { Errno } from '@runikraft/errno';
import { type RkFsResult, runSteps, wait } from '@runikraft/vfscore';
import type { BlockCache } from './cache';
import type { Ext4Run } from './extents';
import { ExtentCorrupt } from './extents';
import type { Ext4Inode } from './inode';
import { set32, u32 } from './le';
import { mapChange } from './mapcache';
import type { Ext4Super } from './superblock';

const NDIR = 12;

/**
 * Maps logical block `lblk` through the block map of `inode`.
 * @returns the run from lblk (contiguous pointers within one pointer block are merged; a hole is one
 * block, or a whole missing indirect subtree), -EIO, or ExtentCorrupt for a pointer outside the fs.
 */
export async function blockMap(
  sb: Ext4Super,
  cache: BlockCache,
  inode: Ext4Inode,
  lblk: number,
): Promise<Ext4Run | number | ExtentCorrupt> {
  const per = sb.blockSize / 4;
  let table: Uint8Array = inode.iblock;
  let idx = lblk;
  let lim = NDIR; // pointers in `table`
  let cover = 1; // blocks under the pointer at table[idx]
  let rel = 0; // offset of lblk inside that pointer's subtree
  if (lblk >= NDIR) {
    rel = lblk - NDIR;
    let level = 1;
    for (cover = per; rel >= cover; cover *= per) {
      rel -= cover;
      if (++level > 3) return { pblk: 0, len: 1 }; // past the largest block-mapped file
    }
    idx = NDIR + level - 1;
    lim = NDIR + 3;
  }
  for (;;) {
    const p = u32(table, idx * 4);
    if (p === 0) return { pblk: 0, len: cover - rel };
    if (p >= sb.blocksCount || p < sb.firstDataBlock)
      return new ExtentCorrupt(`inode ${inode.ino} block pointer ${p} is outside the file system`);
    if (cover === 1) {
      let len = 1; // merge the contiguous pointers that follow in this table
      while (idx + len < lim && u32(table, (idx + len) * 4) === p + len) len++;
      return { pblk: p, len };
    }
    const b = await cache.get(p);
    if (typeof b === 'number')
      return b === -Errno.EUCLEAN ? new ExtentCorrupt(`inode ${inode.ino} indirect block ${p}`) : b;
    table = b.data.slice(0, sb.blockSize);
    cover /= per;
    idx = Math.floor(rel / cover);
    rel %= cover;
    lim = per;
  }
}

/** A mapped run of a write: `len` blocks from `lblk` at `pblk`. */
export interface MappedRun {
  lblk: number;
  len: number;
  pblk: number;
}

/** The pointer indexes leading to `lblk`, from i_block down; null past the largest block map. */
export function bmapPath(per: number, lblk: number): number[] | null {
  if (lblk < NDIR) return [lblk];
  let rel = lblk - NDIR;
  if (rel < per) return [NDIR, rel];
  rel -= per;
  if (rel < per * per) return [NDIR + 1, Math.floor(rel / per), rel % per];
  rel -= per * per;
  if (rel < per * per * per)
    return [NDIR + 2, Math.floor(rel / (per * per)), Math.floor(rel / per) % per, rel % per];
  return null;
}

/** What writing a block map needs: the volume's cache and allocator. */
export interface BmapEnv {
  readonly sb: Ext4Super;
  readonly cache: BlockCache;
  allocBlocks(goal: number, want: number): RkFsResult<[number, number] | number>;
  freeBlocks(blk: number, n: number): RkFsResult<number>;
  /** Reports corruption. @returns -EUCLEAN. */
  corrupt(what: string): number;
}

const outside = (env: BmapEnv, p: number) => p >= env.sb.blocksCount || p < env.sb.firstDataBlock;

/** Reads pointer `i` of the table in block `blk` (null: i_block). */
async function ptrAt(env: BmapEnv, inode: Ext4Inode, blk: number | null, i: number) {
  if (blk === null) return u32(inode.iblock, i * 4);
  const e = await env.cache.get(blk);
  return typeof e === 'number' ? e : u32(e.data, i * 4);
}

/** Sets pointers `i`.. of the table in block `blk` (null: i_block) to `ptrs`. */
async function setPtrs(
  env: BmapEnv,
  inode: Ext4Inode,
  blk: number | null,
  i: number,
  ptrs: readonly number[],
): Promise<number> {
  let table = inode.iblock;
  if (blk !== null) {
    const e = await env.cache.get(blk);
    if (typeof e === 'number') return e;
    env.cache.markDirty(e);
    table = e.data;
  }
  for (const [k, p] of ptrs.entries()) set32(table, (i + k) * 4, p);
  return 0;
}

/**
 * Maps `[lblk, lblk + n)` of a block-mapped file, allocating the missing data blocks (contiguous
 * runs where the allocator gives them, starting at `goal`) and the indirect blocks above them.
 * @returns the runs in order, the newly allocated data runs and how many blocks were allocated in
 * all (data and indirect), or -EFBIG (past the triple indirect block), -ENOSPC, -EIO.
 */
export function bmapAlloc(
  env: BmapEnv,
  inode: Ext4Inode,
  lblk: number,
  n: number,
  goal: number,
): RkFsResult<{ runs: MappedRun[]; fresh: MappedRun[]; added: number; end?: number } | number> {
  return runSteps(mapChange(inode, () => wait(allocMapped(env, inode, lblk, n, goal))));
}

async function allocMapped(
  env: BmapEnv,
  inode: Ext4Inode,
  lblk: number,
  n: number,
  goal: number,
): Promise<{ runs: MappedRun[]; fresh: MappedRun[]; added: number; end?: number } | number> {
  const per = env.sb.blockSize / 4;
  const runs: MappedRun[] = [];
  const fresh: MappedRun[] = [];
  let added = 0;
  const push = (list: MappedRun[], r: MappedRun) => {
    const p = list[list.length - 1];
    if (p && p.lblk + p.len === r.lblk && p.pblk + p.len === r.pblk) p.len += r.len;
    else list.push({ ...r });
  };
  for (let at = lblk; at < lblk + n; ) {
    const path = bmapPath(per, at);
    if (!path) return -Errno.EFBIG;
    let table: number | null = null;
    for (let d = 0; d < path.length - 1; d++) {
      let p = await ptrAt(env, inode, table, path[d]!);
      if (p < 0) return p;
      if (p !== 0 && outside(env, p))
        return env.corrupt(`inode ${inode.ino} indirect block ${p} is outside the file system`);
      if (p === 0) {
        const got = await env.allocBlocks(goal, 1);
        // full part way: what is mapped so far stays (a short write), `added` counted
        if (got === -Errno.ENOSPC) return { runs, fresh, added, end: at };
        if (typeof got === 'number') return got;
        p = got[0];
        added++;
        goal = p + 1;
        const z = await env.cache.zeroed(p);
        if (typeof z === 'number') return z;
        z.verified = true;
        const r = await setPtrs(env, inode, table, path[d]!, [p]);
        if (r < 0) return r;
      }
      table = p;
    }
    // the pointers of this table that the range covers
    const first = path[path.length - 1]!;
    const count = Math.min((table === null ? NDIR : per) - first, lblk + n - at);
    const ptrs: number[] = [];
    for (let k = 0; k < count; k++) {
      const p = await ptrAt(env, inode, table, first + k);
      if (p < 0) return p;
      if (p !== 0 && outside(env, p))
        return env.corrupt(`inode ${inode.ino} block pointer ${p} is outside the file system`);
      ptrs.push(p);
    }
    for (let k = 0; k < count; ) {
      if (ptrs[k] !== 0) {
        push(runs, { lblk: at + k, len: 1, pblk: ptrs[k]! });
        goal = ptrs[k]! + 1;
        k++;
        continue;
      }
      let holes = 1;
      while (k + holes < count && ptrs[k + holes] === 0) holes++;
      const got = await env.allocBlocks(goal, holes);
      if (got === -Errno.ENOSPC) return { runs, fresh, added, end: at + k };
      if (typeof got === 'number') return got;
      const [pb, len] = got;
      added += len;
      goal = pb + len;
      const r = await setPtrs(
        env,
        inode,
        table,
        first + k,
        Array.from({ length: len }, (_, j) => pb + j),
      );
      if (r < 0) return r;
      push(runs, { lblk: at + k, len, pblk: pb });
      push(fresh, { lblk: at + k, len, pblk: pb });
      k += len;
    }
    at += count;
  }
  return { runs, fresh, added };
}

/**
 * Frees the blocks of a block-mapped file from logical block `keep` on, and the indirect blocks that
 * map nothing below `keep`. @returns how many blocks were freed (data and indirect), or -errno.
 */
export function bmapTruncate(env: BmapEnv, inode: Ext4Inode, keep: number): RkFsResult<number> {
  return runSteps(mapChange(inode, () => wait(truncateMapped(env, inode, keep))));
}

async function truncateMapped(env: BmapEnv, inode: Ext4Inode, keep: number): Promise<number> {
  const per = env.sb.blockSize / 4;
  const gone: number[] = [];
  // clears the pointers of table `blk` whose subtrees (`cover` blocks each, from `base`) start at or
  // past keep, freeing them; descends into the one that straddles keep
  const cut = async (
    blk: number | null,
    from: number,
    to: number,
    base: number,
    cover: number,
  ): Promise<number> => {
    const ptrs: number[] = [];
    for (let i = from; i < to; i++) {
      const p = await ptrAt(env, inode, blk, i);
      if (p < 0) return p;
      ptrs.push(p);
    }
    let changed = false;
    for (let k = 0; k < ptrs.length; k++) {
      const p = ptrs[k]!;
      const start = base + k * cover;
      if (p === 0 || start + cover <= keep) continue;
      if (outside(env, p))
        return env.corrupt(`inode ${inode.ino} block pointer ${p} is outside the file system`);
      if (cover > 1) {
        const r = await cut(p, 0, per, start, cover / per);
        if (r < 0) return r;
      }
      if (start >= keep) {
        gone.push(p);
        ptrs[k] = 0;
        changed = true;
      }
    }
    return changed ? setPtrs(env, inode, blk, from, ptrs) : 0;
  };
  let r = await cut(null, 0, NDIR, 0, 1);
  let base = NDIR;
  for (let level = 1, cover = per; r >= 0 && level <= 3; level++, cover *= per) {
    r = await cut(null, NDIR + level - 1, NDIR + level, base, cover);
    base += cover;
  }
  if (r < 0) return r;
  gone.sort((a, b) => a - b);
  for (let i = 0; i < gone.length; ) {
    let len = 1;
    while (i + len < gone.length && gone[i + len] === gone[i]! + len) len++;
    const f = await env.freeBlocks(gone[i]!, len);
    if (f < 0) return f;
    i += len;
  }
  return gone.length;
}
