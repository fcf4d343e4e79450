// Changing a file's extent tree: the extents are read into a sorted list, changed there (punch a
// range, map a range), normalised (merged, split at the 32768-block extent limit) and written back as
// a fresh tree — in i_block when four extents fit, else one or two levels of blocks with crc32c tails;
// or changed in place (insertExtent: a leaf insert or split, an index split, the root growing).

import { Errno } from '@runikraft/errno';
import { type RkFsSteps, wait } from '@runikraft/vfscore';
import type { Ext4Alloc } from './alloc';
import type { CachedBlock } from './cache';
import {
  checkHeader,
  EXT_INIT_MAX_LEN,
  EXT4_EXT_MAGIC,
  type Ext4Extent,
  extentBlockCsum,
} from './extents';
import type { Ext4Inode } from './inode';
import { hilo, set16, set32, u16, u32 } from './le';
import { mapChange } from './mapcache';
import type { Ext4Volume } from './volume';

export interface ExtentList {
  extents: Ext4Extent[];
  /** Blocks of the current tree below the root (freed when the tree is rewritten). */
  tree: number[];
}

/** Reads every extent of `inode` in order. @returns the list, -EUCLEAN, -EIO. */
export function* readExtents(vol: Ext4Volume, inode: Ext4Inode): RkFsSteps<ExtentList | number> {
  const out: ExtentList = { extents: [], tree: [] };
  const r = yield* walkExtents(vol, inode, out, inode.iblock.slice(), 4, null, 0);
  return r < 0 ? r : out;
}

/** readExtents below `node` (a copy: the walk waits for child blocks). @returns 0 or -errno. */
function* walkExtents(
  vol: Ext4Volume,
  inode: Ext4Inode,
  out: ExtentList,
  node: Uint8Array,
  cap: number,
  depth: number | null,
  level: number,
): RkFsSteps<number> {
  const h = checkHeader(node, 0, cap, depth);
  if (typeof h === 'string') return vol.corrupt(`inode ${inode.ino} extent tree: ${h}`);
  if (level > 5) return vol.corrupt(`inode ${inode.ino} extent tree too deep`);
  const per = Math.floor((vol.blockSize - 12) / 12);
  for (let i = 0; i < h.entries; i++) {
    const e = 12 + i * 12;
    if (h.depth === 0) {
      let len = u16(node, e + 4);
      const unwritten = len > EXT_INIT_MAX_LEN;
      if (unwritten) len -= EXT_INIT_MAX_LEN;
      out.extents.push({
        lblk: u32(node, e),
        len,
        pblk: hilo(u32(node, e + 8), u16(node, e + 6)),
        unwritten,
      });
      continue;
    }
    const child = hilo(u32(node, e + 4), u16(node, e + 8));
    const b = yield* wait(vol.cache.get(child));
    if (typeof b === 'number')
      return b === -Errno.EUCLEAN ? vol.corrupt(`inode ${inode.ino} extent index ${child}`) : b;
    out.tree.push(child);
    const r = yield* walkExtents(vol, inode, out, b.data.slice(), per, h.depth - 1, level + 1);
    if (r < 0) return r;
  }
  return 0;
}

/** Removes `[lblk, lblk + len)` from the list. @returns the removed pieces (for freeing). */
export function punch(list: Ext4Extent[], lblk: number, len: number): Ext4Extent[] {
  const end = lblk + len;
  const keep: Ext4Extent[] = [];
  const gone: Ext4Extent[] = [];
  for (const x of list) {
    const xe = x.lblk + x.len;
    if (xe <= lblk || x.lblk >= end) {
      keep.push(x);
      continue;
    }
    if (x.lblk < lblk) keep.push({ ...x, len: lblk - x.lblk });
    const a = Math.max(x.lblk, lblk);
    const b = Math.min(xe, end);
    gone.push({ lblk: a, len: b - a, pblk: x.pblk + (a - x.lblk), unwritten: x.unwritten });
    if (xe > end) keep.push({ ...x, lblk: end, len: xe - end, pblk: x.pblk + (end - x.lblk) });
  }
  list.splice(0, list.length, ...keep);
  return gone;
}

/** Sorts, merges neighbours and splits extents longer than the on-disk limit. */
export function normalise(list: Ext4Extent[]): void {
  list.sort((a, b) => a.lblk - b.lblk);
  const out: Ext4Extent[] = [];
  for (const x of list) {
    const p = out[out.length - 1];
    if (p && p.unwritten === x.unwritten && p.lblk + p.len === x.lblk && p.pblk + p.len === x.pblk)
      p.len += x.len;
    else out.push({ ...x });
  }
  const split: Ext4Extent[] = [];
  for (const x of out) {
    const max = x.unwritten ? EXT_INIT_MAX_LEN - 1 : EXT_INIT_MAX_LEN;
    for (let o = 0; o < x.len; o += max)
      split.push({ ...x, lblk: x.lblk + o, pblk: x.pblk + o, len: Math.min(max, x.len - o) });
  }
  list.splice(0, list.length, ...split);
}

function putHeader(b: Uint8Array, entries: number, max: number, depth: number): void {
  set16(b, 0, EXT4_EXT_MAGIC);
  set16(b, 2, entries);
  set16(b, 4, max);
  set16(b, 6, depth);
  set32(b, 8, 0);
}

function putExtent(b: Uint8Array, i: number, x: Ext4Extent): void {
  const e = 12 + i * 12;
  set32(b, e, x.lblk);
  set16(b, e + 4, x.unwritten ? x.len + EXT_INIT_MAX_LEN : x.len);
  set16(b, e + 6, Math.floor(x.pblk / 0x100000000));
  set32(b, e + 8, x.pblk % 0x100000000);
}

function putIndex(b: Uint8Array, i: number, lblk: number, child: number): void {
  const e = 12 + i * 12;
  set32(b, e, lblk);
  set32(b, e + 4, child % 0x100000000);
  set16(b, e + 8, Math.floor(child / 0x100000000));
  set16(b, e + 10, 0);
}

/**
 * Writes `list` (normalised) as the inode's tree, freeing the old tree blocks and allocating new ones
 * near `goal`. Updates i_block and returns how many tree blocks the new tree uses.
 * @returns tree block count, or -ENOSPC, -EFBIG (more extents than two levels hold), -EIO.
 */
export function writeExtents(
  vol: Ext4Volume,
  alloc: Ext4Alloc,
  inode: Ext4Inode,
  list: ExtentList,
  goal: number,
): RkFsSteps<number> {
  return mapChange(inode, () => rewriteTree(vol, alloc, inode, list, goal));
}

function* rewriteTree(
  vol: Ext4Volume,
  alloc: Ext4Alloc,
  inode: Ext4Inode,
  list: ExtentList,
  goal: number,
): RkFsSteps<number> {
  for (const b of list.tree) {
    const r = yield* alloc.freeBlocks(b, 1);
    if (r < 0) return r;
  }
  list.tree = [];
  const xs = list.extents;
  const root = inode.iblock;
  root.fill(0);
  if (xs.length <= 4) {
    putHeader(root, xs.length, 4, 0);
    for (const [i, x] of xs.entries()) putExtent(root, i, x);
    return 0;
  }
  const per = Math.floor((vol.blockSize - 12) / 12);
  // level 0: leaves of up to `per` extents; above them index blocks until 4 entries fit the root
  let nodes: { lblk: number; blk: number }[] = [];
  for (let depth = 0, items: { lblk: number; blk: number }[] | null = null; ; depth++) {
    const count = items ? items.length : xs.length;
    if (count <= 4 && depth > 0) {
      putHeader(root, count, 4, depth);
      for (const [i, n] of items!.entries()) putIndex(root, i, n.lblk, n.blk);
      return list.tree.length;
    }
    if (depth >= 2) return -Errno.EFBIG;
    nodes = [];
    for (let at = 0; at < count; at += per) {
      const got = yield* alloc.allocBlocks(goal, 1);
      if (typeof got === 'number') return got;
      const blk = got[0];
      list.tree.push(blk);
      const e = yield* vol.cache.zeroedSteps(blk);
      if (typeof e === 'number') return e;
      const n = Math.min(per, count - at);
      putHeader(e.data, n, per, depth);
      for (let i = 0; i < n; i++)
        if (items) putIndex(e.data, i, items[at + i]!.lblk, items[at + i]!.blk);
        else putExtent(e.data, i, xs[at + i]!);
      if (vol.sb.metadataCsum)
        set32(e.data, 12 + 12 * per, extentBlockCsum(inode.csumSeed, e.data, per));
      e.verified = true;
      nodes.push({ lblk: items ? items[at]!.lblk : xs[at]!.lblk, blk });
    }
    items = nodes;
  }
}

/** Reads extent `i` of the node in `b`. */
function extentAt(b: Uint8Array, i: number): Ext4Extent {
  const e = 12 + i * 12;
  let len = u16(b, e + 4);
  const unwritten = len > EXT_INIT_MAX_LEN;
  if (unwritten) len -= EXT_INIT_MAX_LEN;
  return { lblk: u32(b, e), len, pblk: hilo(u32(b, e + 8), u16(b, e + 6)), unwritten };
}

/**
 * Adds the written extent `x` (mapping what was a hole) to the tree in place, as Linux's
 * ext4_ext_insert_extent does when it can: the leaf that covers `x.lblk` is changed alone — `x`
 * merged into its left or right neighbour when contiguous, else inserted when the leaf has room; a
 * full leaf is split (at the end for an append, else in half) into a new block, room being made in
 * its parent first when that is full (index nodes split, the root moves down a level).
 * @returns how many tree blocks were added, or null when the tree has to be rebuilt (a key before
 * the first, an overlap, the depth limit), or -ENOSPC, -EUCLEAN, -EIO.
 */
export function insertExtent(
  vol: Ext4Volume,
  alloc: Ext4Alloc,
  inode: Ext4Inode,
  x: Ext4Extent,
): RkFsSteps<number | null> {
  return mapChange(inode, () => insertInTree(vol, alloc, inode, x));
}

function* insertInTree(
  vol: Ext4Volume,
  alloc: Ext4Alloc,
  inode: Ext4Inode,
  x: Ext4Extent,
): RkFsSteps<number | null> {
  const per = Math.floor((vol.blockSize - 12) / 12);
  let node: Uint8Array = inode.iblock;
  let blk: CachedBlock | null = null;
  let cap = 4;
  let depth: number | null = null;
  // the index entry above the leaf: its node's block (null: i_block), position and key
  let parent: { blk: number | null; at: number; key: number } | null = null;
  // every index node from the root down, with the entry taken in it
  const path: IndexStep[] = [];
  for (let level = 0; ; level++) {
    const h = checkHeader(node, 0, cap, depth);
    if (typeof h === 'string') return vol.corrupt(`inode ${inode.ino} extent tree: ${h}`);
    if (level > 5) return vol.corrupt(`inode ${inode.ino} extent tree too deep`);
    if (h.depth === 0) break;
    let at = -1;
    for (let i = 0; i < h.entries && u32(node, 12 + i * 12) <= x.lblk; i++) at = i;
    if (at < 0) return null;
    parent = { blk: blk?.blk ?? null, at, key: u32(node, 12 + at * 12) };
    path.push(parent);
    const child = hilo(u32(node, 12 + at * 12 + 4), u16(node, 12 + at * 12 + 8));
    const e = yield* wait(vol.cache.get(child));
    if (typeof e === 'number')
      return e === -Errno.EUCLEAN ? vol.corrupt(`inode ${inode.ino} extent index ${child}`) : e;
    const ch = checkHeader(e.data, 0, per, h.depth - 1);
    if (typeof ch === 'string')
      return vol.corrupt(`inode ${inode.ino} extent block ${child}: ${ch}`);
    if (vol.sb.metadataCsum && !e.verified) {
      if (extentBlockCsum(inode.csumSeed, e.data, ch.max) !== u32(e.data, 12 + 12 * ch.max))
        return vol.corrupt(`inode ${inode.ino} extent block ${child}: checksum mismatch`);
      e.verified = true;
    }
    node = e.data;
    blk = e;
    cap = per;
    depth = h.depth - 1;
  }
  // `node` is the leaf (the cache's view when in a block: no await until it is sealed)
  const entries = u16(node, 2);
  const max = u16(node, 4);
  let pos = 0;
  while (pos < entries && u32(node, 12 + pos * 12) < x.lblk) pos++;
  const left = pos > 0 ? extentAt(node, pos - 1) : null;
  const right = pos < entries ? extentAt(node, pos) : null;
  if ((left && left.lblk + left.len > x.lblk) || (right && x.lblk + x.len > right.lblk))
    return null;
  // a new first extent of a leaf must keep the index key above it
  const firstOk = pos > 0 || !parent || parent.key === x.lblk;
  const joins = (a: Ext4Extent, b: Ext4Extent) =>
    !a.unwritten &&
    !b.unwritten &&
    a.lblk + a.len === b.lblk &&
    a.pblk + a.len === b.pblk &&
    a.len + b.len <= EXT_INIT_MAX_LEN;
  if (left && joins(left, x)) putExtent(node, pos - 1, { ...left, len: left.len + x.len });
  else if (right && joins(x, right) && firstOk)
    putExtent(node, pos, { ...x, len: x.len + right.len });
  else if (entries < max && firstOk) {
    node.copyWithin(12 + (pos + 1) * 12, 12 + pos * 12, 12 + entries * 12);
    putExtent(node, pos, x);
    set16(node, 2, entries + 1);
  } else if (entries >= max) {
    // a full leaf: split it under its parent; with the parent full (or the leaf being the root),
    // make room a level up first — split index nodes, the root moving down a level — and retry
    let r: number | null;
    if (blk && parent) {
      r = yield* splitLeaf(
        vol,
        alloc,
        inode,
        blk.blk,
        parent,
        pos === entries ? entries : entries >> 1,
        x.lblk,
      );
      if (r === 0) r = 1;
      else if (r === null) r = yield* makeIndexRoom(vol, alloc, inode, path, path.length - 1);
    } else r = yield* growRoot(vol, alloc, inode);
    if (r === null || r <= 0) return r || null; // (0: nothing changed, so no retry)
    const again = yield* insertExtent(vol, alloc, inode, x);
    return again === null || again < 0 ? again : again + r;
  } else return null;
  if (blk) sealExtentBlock(vol, inode, blk);
  return 0;
}

function sealExtentBlock(vol: Ext4Volume, inode: Ext4Inode, e: CachedBlock): void {
  const max = u16(e.data, 4);
  if (vol.sb.metadataCsum)
    set32(e.data, 12 + 12 * max, extentBlockCsum(inode.csumSeed, e.data, max));
  vol.cache.markDirty(e);
}

/**
 * Moves the entries from `from` on of the full node in block `leaf` (a leaf, or an index node) to
 * a new block of the same depth, indexed after the node's entry in its parent (keyed by its first
 * entry, or by `key` when it starts empty). @returns 0, null when the parent is full, or -errno.
 */
function* splitLeaf(
  vol: Ext4Volume,
  alloc: Ext4Alloc,
  inode: Ext4Inode,
  leaf: number,
  parent: { blk: number | null; at: number },
  from: number,
  key: number,
): RkFsSteps<number | null> {
  const pe = parent.blk === null ? null : yield* wait(vol.cache.get(parent.blk));
  if (typeof pe === 'number') return pe;
  const pn = pe ? pe.data : inode.iblock;
  if (u16(pn, 2) >= u16(pn, 4)) return null;
  const got = yield* alloc.allocBlocks(leaf + 1, 1);
  if (typeof got === 'number') return got;
  const nb = got[0];
  const ne = yield* vol.cache.zeroedSteps(nb);
  if (typeof ne === 'number') return ne;
  const le = yield* wait(vol.cache.get(leaf));
  if (typeof le === 'number') return le;
  const pe2 = parent.blk === null ? null : yield* wait(vol.cache.get(parent.blk));
  if (typeof pe2 === 'number') return pe2;
  // no await from here on: the three blocks are the cache's current views
  const ne2 = vol.cache.peek(nb);
  const le2 = vol.cache.peek(leaf);
  if (!ne2 || !le2) return -Errno.EIO;
  const l = le2.data;
  const entries = u16(l, 2);
  const max = u16(l, 4);
  const n = ne2.data;
  putHeader(n, entries - from, max, u16(l, 6));
  n.set(l.subarray(12 + from * 12, 12 + entries * 12), 12);
  if (from < entries) key = u32(l, 12 + from * 12);
  l.fill(0, 12 + from * 12, 12 + entries * 12);
  set16(l, 2, from);
  ne2.verified = true;
  sealExtentBlock(vol, inode, le2);
  sealExtentBlock(vol, inode, ne2);
  const p = pe2 ? pe2.data : inode.iblock;
  const pcount = u16(p, 2);
  const at = parent.at + 1;
  p.copyWithin(12 + (at + 1) * 12, 12 + at * 12, 12 + pcount * 12);
  putIndex(p, at, key, nb);
  set16(p, 2, pcount + 1);
  if (pe2) sealExtentBlock(vol, inode, pe2);
  return 0;
}

/** An index node on the way down (null: the root in i_block) and the entry taken in it. */
interface IndexStep {
  readonly blk: number | null;
  readonly at: number;
}

/** Deepest tree this driver grows (Linux's ext4 allows 5 levels below the root). */
const MAX_DEPTH = 5;

/**
 * Gives the index node at `path[level]` room for one more entry (ext4_ext_create_new_leaf): a
 * full root moves down into a new block (the tree grows a level); a full node below splits in
 * half into a new block, indexed in its parent — made room in first, the same way.
 * @returns the tree blocks added (the caller walks the tree again), null when the tree is as deep
 *   as it may grow, or -errno.
 */
function* makeIndexRoom(
  vol: Ext4Volume,
  alloc: Ext4Alloc,
  inode: Ext4Inode,
  path: readonly IndexStep[],
  level: number,
): RkFsSteps<number | null> {
  const step = path[level]!;
  if (step.blk === null) return yield* growRoot(vol, alloc, inode);
  const e = yield* wait(vol.cache.get(step.blk));
  if (typeof e === 'number') return e;
  if (u16(e.data, 2) < u16(e.data, 4)) return 0;
  const up = path[level - 1]!;
  const pe = up.blk === null ? null : yield* wait(vol.cache.get(up.blk));
  if (typeof pe === 'number') return pe;
  const pn = pe ? pe.data : inode.iblock;
  if (u16(pn, 2) >= u16(pn, 4)) return yield* makeIndexRoom(vol, alloc, inode, path, level - 1);
  const r = yield* splitLeaf(vol, alloc, inode, step.blk, up, u16(e.data, 2) >> 1, 0);
  return r === null || r < 0 ? r : 1;
}

/**
 * Moves the root's entries (i_block) into a new block and leaves the root one index entry pointing
 * at it, a level deeper (ext4_ext_grow_indepth). @returns 1 (the block added), null at the depth
 * limit, or -errno.
 */
function* growRoot(vol: Ext4Volume, alloc: Ext4Alloc, inode: Ext4Inode): RkFsSteps<number | null> {
  const root = inode.iblock;
  const depth = u16(root, 6);
  if (depth >= MAX_DEPTH) return null;
  const first = u16(root, 2) > 0 ? u32(root, 12) : 0;
  const goal = depth === 0 && u16(root, 2) > 0 ? extentAt(root, 0).pblk : 0;
  const got = yield* alloc.allocBlocks(goal || vol.inodeLocation(inode.ino)!.gd.inodeTable, 1);
  if (typeof got === 'number') return got;
  const nb = got[0];
  const ne = yield* vol.cache.zeroedSteps(nb);
  if (typeof ne === 'number') return ne;
  const n = ne.data;
  const entries = u16(root, 2);
  putHeader(n, entries, Math.floor((vol.blockSize - 12) / 12), depth);
  n.set(root.subarray(12, 12 + entries * 12), 12);
  ne.verified = true;
  sealExtentBlock(vol, inode, ne);
  root.fill(0, 12, 60);
  putHeader(root, 1, 4, depth + 1);
  putIndex(root, 0, first, nb);
  return 1;
}
