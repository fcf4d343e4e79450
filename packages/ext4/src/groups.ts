// Block group descriptors (disk layout "Block Group Descriptors"): where each group's bitmaps and
// inode table are, its free counts, and the descriptor checksum (crc32c with metadata_csum, crc16
// with uninit_bg). Loaded and checked at mount; written back through the block cache.

import { Errno } from '@runikraft/errno';
import { type RkFsSteps, wait } from '@runikraft/vfscore';
import type { BlockCache } from './cache';
import { crc16 } from './crc16';
import { crc32c, crc32cU32, crc32cZeros } from './crc32c';
import { INCOMPAT, RO_COMPAT } from './features';
import { hilo, set16, set32, setHilo, u16, u32 } from './le';
import { type Ext4MountError, type Ext4Super, has } from './superblock';

export const BG_INODE_UNINIT = 0x1;
export const BG_BLOCK_UNINIT = 0x2;
export const BG_INODE_ZEROED = 0x4;
const GD_CHECKSUM = 0x1e;

/** One group's descriptor; `raw` is its own copy, stored back by `storeGroup`. */
export interface GroupDesc {
  readonly group: number;
  readonly raw: Uint8Array;
  /** Where the descriptor lives: block number and byte offset. */
  readonly blk: number;
  readonly off: number;
  blockBitmap: number;
  inodeBitmap: number;
  inodeTable: number;
  freeBlocks: number;
  freeInodes: number;
  usedDirs: number;
  flags: number;
  itableUnused: number;
}

/** Does group `g` carry a super block backup (and the descriptor table after it)? */
export function groupHasSuper(sb: Ext4Super, g: number): boolean {
  if (g === 0) return true;
  if (!has(sb.roCompat, RO_COMPAT.sparse_super)) return true;
  if (g === 1) return true;
  for (const p of [3, 5, 7]) {
    let x = p;
    while (x < g) x *= p;
    if (x === g) return true;
  }
  return false;
}

export function groupFirstBlock(sb: Ext4Super, g: number): number {
  return sb.firstDataBlock + g * sb.blocksPerGroup;
}

/** Block holding the descriptor of group `g` (classic table after the super block, or meta_bg). */
export function descriptorBlock(sb: Ext4Super, g: number): number {
  const perBlock = sb.blockSize / sb.descSize;
  const idx = Math.floor(g / perBlock);
  if (!has(sb.incompat, INCOMPAT.meta_bg) || idx < sb.firstMetaBg)
    return sb.firstDataBlock + 1 + idx;
  const first = idx * perBlock;
  return groupFirstBlock(sb, first) + (groupHasSuper(sb, first) ? 1 : 0);
}

export function groupDescCsum(sb: Ext4Super, g: number, raw: Uint8Array): number {
  if (sb.metadataCsum) {
    let c = crc32cU32(sb.csumSeed, g);
    c = crc32c(c, raw, 0, GD_CHECKSUM);
    c = crc32cZeros(c, 2);
    c = crc32c(c, raw, GD_CHECKSUM + 2, sb.descSize);
    return c & 0xffff;
  }
  let c = crc16(0xffff, sb.raw, 0x68, 0x78);
  const le = Uint8Array.of(g & 0xff, (g >>> 8) & 0xff, (g >>> 16) & 0xff, g >>> 24);
  c = crc16(c, le);
  c = crc16(c, raw, 0, GD_CHECKSUM);
  return crc16(c, raw, GD_CHECKSUM + 2, sb.descSize);
}

/** Are descriptor checksums in use (metadata_csum or uninit_bg)? */
export function groupCsumOn(sb: Ext4Super): boolean {
  return sb.metadataCsum || has(sb.roCompat, RO_COMPAT.uninit_bg);
}

function parseGroup(
  sb: Ext4Super,
  g: number,
  raw: Uint8Array,
  blk: number,
  off: number,
): GroupDesc {
  const wide = sb.descSize >= 64;
  const hi = (o: number, w: 2 | 4) => (wide ? (w === 2 ? u16(raw, o) : u32(raw, o)) : 0);
  return {
    group: g,
    raw,
    blk,
    off,
    blockBitmap: hilo(u32(raw, 0x0), hi(0x20, 4)),
    inodeBitmap: hilo(u32(raw, 0x4), hi(0x24, 4)),
    inodeTable: hilo(u32(raw, 0x8), hi(0x28, 4)),
    freeBlocks: u16(raw, 0xc) + hi(0x2c, 2) * 0x10000,
    freeInodes: u16(raw, 0xe) + hi(0x2e, 2) * 0x10000,
    usedDirs: u16(raw, 0x10) + hi(0x30, 2) * 0x10000,
    flags: u16(raw, 0x12),
    itableUnused: u16(raw, 0x1c) + hi(0x32, 2) * 0x10000,
  };
}

/**
 * Reads and checks every group descriptor.
 * @returns the descriptors, or why the mount is refused (checksum mismatch, a bitmap or inode table
 * outside the file system), or a negative errno from the device.
 */
export async function loadGroups(
  sb: Ext4Super,
  cache: BlockCache,
): Promise<GroupDesc[] | Ext4MountError | number> {
  const out: GroupDesc[] = [];
  const perBlock = sb.blockSize / sb.descSize;
  const itBlocks = Math.ceil((sb.inodesPerGroup * sb.inodeSize) / sb.blockSize);
  for (let g = 0; g < sb.groupCount; g++) {
    const blk = descriptorBlock(sb, g);
    const e = await cache.get(blk);
    if (typeof e === 'number') return e;
    const off = (g % perBlock) * sb.descSize;
    const gd = parseGroup(sb, g, e.data.slice(off, off + sb.descSize), blk, off);
    const fail = (what: string): Ext4MountError => ({
      errno: Errno.EUCLEAN,
      message: `group descriptor ${g} (block ${blk}): ${what}`,
    });
    if (groupCsumOn(sb)) {
      const want = u16(gd.raw, GD_CHECKSUM);
      const got = groupDescCsum(sb, g, gd.raw);
      if (want !== got)
        return fail(`checksum 0x${want.toString(16)} != computed 0x${got.toString(16)}`);
    }
    const inFs = (b: number, n: number) => b > sb.firstDataBlock && b + n <= sb.blocksCount;
    if (!inFs(gd.blockBitmap, 1)) return fail(`block bitmap at ${gd.blockBitmap} is outside`);
    if (!inFs(gd.inodeBitmap, 1)) return fail(`inode bitmap at ${gd.inodeBitmap} is outside`);
    if (!inFs(gd.inodeTable, itBlocks))
      return fail(`inode table at ${gd.inodeTable} (+${itBlocks}) is outside`);
    if (gd.freeInodes > sb.inodesPerGroup)
      return fail(`${gd.freeInodes} free inodes > ${sb.inodesPerGroup} per group`);
    if (gd.itableUnused > sb.inodesPerGroup)
      return fail(`${gd.itableUnused} unused inodes > ${sb.inodesPerGroup} per group`);
    out.push(gd);
  }
  return out;
}

/** Writes `gd`'s fields into its raw copy, re-checksums it and stores it in its cached block. */
export function* storeGroup(sb: Ext4Super, cache: BlockCache, gd: GroupDesc): RkFsSteps<number> {
  const r = gd.raw;
  const wide = sb.descSize >= 64;
  const put = (lo: number, hi: number, v: number) =>
    wide ? setHilo(r, lo, hi, 4, v) : set32(r, lo, v);
  put(0x0, 0x20, gd.blockBitmap);
  put(0x4, 0x24, gd.inodeBitmap);
  put(0x8, 0x28, gd.inodeTable);
  if (wide) {
    set16(r, 0xc, gd.freeBlocks & 0xffff);
    set16(r, 0x2c, gd.freeBlocks >>> 16);
    set16(r, 0xe, gd.freeInodes & 0xffff);
    set16(r, 0x2e, gd.freeInodes >>> 16);
    set16(r, 0x10, gd.usedDirs & 0xffff);
    set16(r, 0x30, gd.usedDirs >>> 16);
    set16(r, 0x1c, gd.itableUnused & 0xffff);
    set16(r, 0x32, gd.itableUnused >>> 16);
  } else {
    set16(r, 0xc, gd.freeBlocks);
    set16(r, 0xe, gd.freeInodes);
    set16(r, 0x10, gd.usedDirs);
    set16(r, 0x1c, gd.itableUnused);
  }
  set16(r, 0x12, gd.flags);
  if (groupCsumOn(sb)) set16(r, GD_CHECKSUM, groupDescCsum(sb, gd.group, r));
  const e = yield* wait(cache.get(gd.blk));
  if (typeof e === 'number') return e;
  e.data.set(r, gd.off);
  cache.markDirty(e);
  return 0;
}
