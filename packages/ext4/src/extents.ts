// Extent trees (disk layout "Extent Tree"): a 12-byte header, then index entries (interior nodes) or
// extents (leaves); the root lives in i_block, deeper nodes in blocks that end in a crc32c tail.
// Every node is checked (magic, counts, depth, checksum) before it is used.

import { Errno } from '@runikraft/errno';
import { type RkFsSteps, wait } from '@runikraft/vfscore';
import type { BlockCache } from './cache';
import { crc32c } from './crc32c';
import type { Ext4Inode } from './inode';
import { hilo, u16, u32 } from './le';
import type { Ext4Super } from './superblock';

export const EXT4_EXT_MAGIC = 0xf30a;
/** Linux refuses deeper trees (EXT4_MAX_EXTENT_DEPTH). */
export const EXT4_MAX_EXTENT_DEPTH = 5;
/** ee_len above this marks an unwritten (preallocated, reads as zeros) extent. */
export const EXT_INIT_MAX_LEN = 32768;

/** A mapped run: `pblk` 0 is a hole (or an unwritten extent); `len` >= 1 blocks from the lookup. */
export interface Ext4Run {
  pblk: number;
  len: number;
  /** The run is an unwritten extent (pblk 0 all the same: it reads as zeros). */
  unwritten?: boolean;
}

export interface Ext4Extent {
  lblk: number;
  len: number;
  pblk: number;
  unwritten: boolean;
}

/** Largest logical block number + 1 (ee_block is 32 bits). */
export const EXT4_MAX_LBLK = 0x100000000;

/** Checks a node header. @returns entries and depth, or a message. */
export function checkHeader(
  b: Uint8Array,
  off: number,
  capacity: number,
  depth: number | null,
): { entries: number; max: number; depth: number } | string {
  if (u16(b, off) !== EXT4_EXT_MAGIC) return `bad magic 0x${u16(b, off).toString(16)}`;
  const entries = u16(b, off + 2);
  const max = u16(b, off + 4);
  const d = u16(b, off + 6);
  if (max === 0 || max > capacity) return `eh_max ${max} (room for ${capacity})`;
  if (entries > max) return `eh_entries ${entries} > eh_max ${max}`;
  if (d > EXT4_MAX_EXTENT_DEPTH) return `depth ${d} > ${EXT4_MAX_EXTENT_DEPTH}`;
  if (depth !== null && d !== depth) return `depth ${d}, parent says ${depth}`;
  return { entries, max, depth: d };
}

/** crc32c of an extent block up to its tail (which sits right after eh_max entries). */
export function extentBlockCsum(seed: number, b: Uint8Array, max: number): number {
  return crc32c(seed, b, 0, 12 + 12 * max);
}

export class ExtentCorrupt {
  constructor(readonly message: string) {}
}

/**
 * Maps logical block `lblk` of `inode` through its extent tree.
 * @returns the run starting at lblk (a hole runs to the next extent, or to `EXT4_MAX_LBLK`),
 * -EIO from the device, or an ExtentCorrupt naming what is wrong (the caller reports EUCLEAN).
 */
export function* extentMap(
  sb: Ext4Super,
  cache: BlockCache,
  inode: Ext4Inode,
  lblk: number,
): RkFsSteps<Ext4Run | number | ExtentCorrupt> {
  let node: Uint8Array = inode.iblock;
  let capacity = 4;
  let depth: number | null = null;
  let next = EXT4_MAX_LBLK; // where the hole after lblk ends, tightened at each level
  let where = 'i_block';
  for (let level = 0; level <= EXT4_MAX_EXTENT_DEPTH; level++) {
    const h = checkHeader(node, 0, capacity, depth);
    if (typeof h === 'string')
      return new ExtentCorrupt(`inode ${inode.ino} extent node ${where}: ${h}`);
    // last entry whose first block is <= lblk
    let lo = 0;
    let hi = h.entries - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (u32(node, 12 + mid * 12) <= lblk) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at + 1 < h.entries) next = Math.min(next, u32(node, 12 + (at + 1) * 12));
    if (h.depth === 0) {
      if (at < 0) return { pblk: 0, len: next - lblk };
      const e = 12 + at * 12;
      const start = u32(node, e);
      let len = u16(node, e + 4);
      const unwritten = len > EXT_INIT_MAX_LEN;
      if (unwritten) len -= EXT_INIT_MAX_LEN;
      const pblk = hilo(u32(node, e + 8), u16(node, e + 6));
      if (lblk >= start + len) return { pblk: 0, len: next - lblk };
      if (pblk + len > sb.blocksCount || pblk < sb.firstDataBlock)
        return new ExtentCorrupt(
          `inode ${inode.ino} extent [${start}+${len}] at block ${pblk} is outside the file system`,
        );
      if (unwritten) return { pblk: 0, len: start + len - lblk, unwritten };
      return { pblk: pblk + (lblk - start), len: start + len - lblk };
    }
    if (at < 0) return { pblk: 0, len: next - lblk };
    const child = hilo(u32(node, 12 + at * 12 + 4), u16(node, 12 + at * 12 + 8));
    const b = yield* wait(cache.get(child));
    if (b === -Errno.EUCLEAN)
      return new ExtentCorrupt(`inode ${inode.ino} extent index points outside (block ${child})`);
    if (typeof b === 'number') return b;
    where = `block ${child}`;
    const ch = checkHeader(b.data, 0, (sb.blockSize - 12) / 12, h.depth - 1);
    if (typeof ch === 'string')
      return new ExtentCorrupt(`inode ${inode.ino} extent ${where}: ${ch}`);
    if (sb.metadataCsum && !b.verified) {
      const want = u32(b.data, 12 + 12 * ch.max);
      if (12 + 12 * ch.max + 4 > sb.blockSize)
        return new ExtentCorrupt(`inode ${inode.ino} extent ${where}: no room for the checksum`);
      if (extentBlockCsum(inode.csumSeed, b.data, ch.max) !== want)
        return new ExtentCorrupt(`inode ${inode.ino} extent ${where}: checksum mismatch`);
      b.verified = true;
    }
    // the cache's own view: it is read only before the next await (a child's cache.get), so no copy
    node = b.data;
    capacity = Math.floor((sb.blockSize - 12) / 12);
    depth = h.depth - 1;
  }
  return new ExtentCorrupt(`inode ${inode.ino}: extent tree deeper than ${EXT4_MAX_EXTENT_DEPTH}`);
}
