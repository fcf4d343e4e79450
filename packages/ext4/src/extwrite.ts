// Changing a file's extent tree: the extents are read into a sorted list, changed there (punch a
// range, map a range), normalised (merged, split at the 32768-block extent limit) and written back as
// a fresh tree — in i_block when four extents fit, else one or two levels of blocks with crc32c tails.
import { Errno } from '@runikraft/errno';
import type { Ext4Alloc } from './alloc';
import {
  checkHeader,
  EXT_INIT_MAX_LEN,
  EXT4_EXT_MAGIC,
  type Ext4Extent,
  extentBlockCsum,
} from './extents';
import type { Ext4Inode } from './inode';
import { hilo, set16, set32, u16, u32 } from './le';
import type { Ext4Volume } from './volume';

export interface ExtentList {
  extents: Ext4Extent[];
  /** Blocks of the current tree below the root (freed when the tree is rewritten). */
  tree: number[];
}

/** Reads every extent of `inode` in order. @returns the list, -EUCLEAN, -EIO. */
export async function readExtents(vol: Ext4Volume, inode: Ext4Inode): Promise<ExtentList | number> {
  const out: ExtentList = { extents: [], tree: [] };
  const per = Math.floor((vol.blockSize - 12) / 12);
  const walk = async (
    node: Uint8Array,
    cap: number,
    depth: number | null,
    level: number,
  ): Promise<number> => {
    const h = checkHeader(node, 0, cap, depth);
    if (typeof h === 'string') return vol.corrupt(`inode ${inode.ino} extent tree: ${h}`);
    if (level > 5) return vol.corrupt(`inode ${inode.ino} extent tree too deep`);
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
      const b = await vol.cache.get(child);
      if (typeof b === 'number')
        return b === -Errno.EUCLEAN ? vol.corrupt(`inode ${inode.ino} extent index ${child}`) : b;
      out.tree.push(child);
      const r = await walk(b.data.slice(), per, h.depth - 1, level + 1);
      if (r < 0) return r;
    }
    return 0;
  };
  const r = await walk(inode.iblock.slice(), 4, null, 0);
  return r < 0 ? r : out;
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
export async function writeExtents(
  vol: Ext4Volume,
  alloc: Ext4Alloc,
  inode: Ext4Inode,
  list: ExtentList,
  goal: number,
): Promise<number> {
  for (const b of list.tree) {
    const r = await alloc.freeBlocks(b, 1);
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
      const got = await alloc.allocBlocks(goal, 1);
      if (typeof got === 'number') return got;
      const blk = got[0];
      list.tree.push(blk);
      const e = await vol.cache.zeroed(blk);
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
