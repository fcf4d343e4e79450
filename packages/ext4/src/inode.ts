// On-disk inodes (disk layout "Index Nodes"): a parsed view over the inode's own byte copy, times
// with nanoseconds and the epoch bits, and the metadata_csum inode checksum (over the whole inode
// record, the two checksum halves taken as zero).
import type { RkFsTime } from '@runikraft/vfscore/driver';
import { crc32c, crc32cU32, crc32cZeros } from './crc32c';
import { hilo, set16, set32, setHilo, u16, u32 } from './le';
import type { MapCacheHolder } from './mapcache';
import type { Ext4Super } from './superblock';

export const EXT4_EXTENTS_FL = 0x80000;
export const EXT4_INDEX_FL = 0x1000;
export const EXT4_HUGE_FILE_FL = 0x40000;
export const EXT4_INLINE_DATA_FL = 0x10000000;
export const EXT4_EA_INODE_FL = 0x200000;
export const EXT4_ROOT_INO = 2;
/** Bytes of i_block: 15 block pointers, an extent root, a fast symlink or inline data. */
export const I_BLOCK_SIZE = 60;
const CSUM_LO = 0x7c;
const CSUM_HI = 0x82;
const GOOD_OLD_INODE_SIZE = 128;

/** Offsets of the time fields and their `_extra` words (0 = none). */
const TIMES = {
  atime: [0x08, 0x8c],
  ctime: [0x0c, 0x84],
  mtime: [0x10, 0x88],
  crtime: [0x90, 0x94],
} as const;
export type Ext4TimeField = keyof typeof TIMES;

/** Bytes of one slab of inode copies (64 inodes of 256 bytes). */
const SLAB = 16 << 10;
let slab = new ArrayBuffer(SLAB);
let slabAt = 0;

/**
 * Zeroed bytes for one inode's copy. A typed array of its own buffer is a separate allocation the
 * garbage collector tracks (every create and every inode read made one); copies are carved from
 * shared slabs instead (a slab lives while any inode in it does), 4-byte aligned, so the store's
 * comparison reads them a word at a time.
 */
export function inodeBytes(size: number): Uint8Array {
  if (slabAt + size > SLAB) {
    slab = new ArrayBuffer(Math.max(SLAB, size));
    slabAt = 0;
  }
  const b = new Uint8Array(slab, slabAt, size);
  slabAt += size;
  return b;
}

export class Ext4Inode implements MapCacheHolder {
  /** crc32c seed for this inode's metadata (inode, extent blocks, directory blocks). */
  readonly csumSeed: number;
  mapRuns: MapCacheHolder['mapRuns'] = null;
  mapGen = 0;
  mapChanging = 0;
  /** @internal the block after the last one read: a small read there continues a stream (read-ahead) */
  readNext = 0;
  /**
   * @internal the journal transaction (its sequence) that last changed this inode's metadata
   * (the inode, its mapping, or as a directory its entries); undefined when not known. An fsync
   * finding it committed needs no commit (ext4's i_sync_tid).
   */
  tid: number | undefined = undefined;
  /**
   * @internal `raw` was read from its inode table block or last stored there (sealed): bytes equal
   * to the block's are a valid stored inode, so storing them again changes nothing. False for a new
   * inode, whose slot holds whatever was there before.
   */
  stored = false;
  /** @internal `raw` as 32-bit words when it is 4-byte aligned (slab copies are), else null. */
  readonly words: Int32Array | null;

  constructor(
    readonly ino: number,
    readonly raw: Uint8Array,
    sb: Ext4Super,
  ) {
    this.csumSeed = crc32cU32(crc32cU32(sb.csumSeed, ino), this.generation);
    this.words =
      ((raw.byteOffset | raw.length) & 3) === 0
        ? new Int32Array(raw.buffer, raw.byteOffset, raw.length >>> 2)
        : null;
  }

  get mode(): number {
    return u16(this.raw, 0x0);
  }
  set mode(v: number) {
    set16(this.raw, 0x0, v);
  }
  get uid(): number {
    return u16(this.raw, 0x2) | (u16(this.raw, 0x78) << 16);
  }
  set uid(v: number) {
    set16(this.raw, 0x2, v & 0xffff);
    set16(this.raw, 0x78, v >>> 16);
  }
  get gid(): number {
    return u16(this.raw, 0x18) | (u16(this.raw, 0x7a) << 16);
  }
  set gid(v: number) {
    set16(this.raw, 0x18, v & 0xffff);
    set16(this.raw, 0x7a, v >>> 16);
  }
  get size(): number {
    return hilo(u32(this.raw, 0x4), u32(this.raw, 0x6c));
  }
  set size(v: number) {
    setHilo(this.raw, 0x4, 0x6c, 4, v);
  }
  get links(): number {
    return u16(this.raw, 0x1a);
  }
  set links(v: number) {
    set16(this.raw, 0x1a, v);
  }
  get flags(): number {
    return u32(this.raw, 0x20);
  }
  set flags(v: number) {
    set32(this.raw, 0x20, v);
  }
  get dtime(): number {
    return u32(this.raw, 0x14);
  }
  set dtime(v: number) {
    set32(this.raw, 0x14, v);
  }
  /** i_blocks as stored (sectors, or fs blocks for huge files with EXT4_HUGE_FILE_FL). */
  get blocksRaw(): number {
    return hilo(u32(this.raw, 0x1c), u16(this.raw, 0x74));
  }
  set blocksRaw(v: number) {
    setHilo(this.raw, 0x1c, 0x74, 2, v);
  }
  get generation(): number {
    return u32(this.raw, 0x64);
  }
  get fileAcl(): number {
    return hilo(u32(this.raw, 0x68), u16(this.raw, 0x76));
  }
  get extraIsize(): number {
    return this.raw.length > GOOD_OLD_INODE_SIZE ? u16(this.raw, 0x80) : 0;
  }
  get iblock(): Uint8Array {
    return this.raw.subarray(0x28, 0x28 + I_BLOCK_SIZE);
  }
  get type(): number {
    return this.mode & 0o170000;
  }

  /** Does the extra area reach `off + 4` (a field present in this inode)? */
  private hasExtra(off: number): boolean {
    return off !== 0 && GOOD_OLD_INODE_SIZE + this.extraIsize >= off + 4;
  }

  time(f: Ext4TimeField): RkFsTime {
    const [base, extra] = TIMES[f];
    if (f === 'crtime' && !this.hasExtra(base)) return { sec: 0, nsec: 0 };
    const sec = u32(this.raw, base) | 0;
    if (!this.hasExtra(extra)) return { sec, nsec: 0 };
    const x = u32(this.raw, extra);
    return { sec: sec + (x & 3) * 0x100000000, nsec: x >>> 2 };
  }

  setTime(f: Ext4TimeField, t: RkFsTime): void {
    const [base, extra] = TIMES[f];
    if (f === 'crtime' && !this.hasExtra(base)) return;
    // seconds are a signed 32-bit value plus two epoch bits (years 1901..2446)
    const epoch = Math.floor((t.sec + 0x80000000) / 0x100000000);
    set32(this.raw, base, t.sec - epoch * 0x100000000);
    if (this.hasExtra(extra)) set32(this.raw, extra, ((t.nsec << 2) | (epoch & 3)) >>> 0);
  }
}

/**
 * Are `inode`'s bytes those at `data[off..]`? A word at a time when both are aligned and `data` is
 * a view of `words`' buffer (guest RAM: bytes of it one by one cost more than the checksum a
 * store skips when they are equal).
 */
export function inSlot(
  inode: Ext4Inode,
  data: Uint8Array,
  off: number,
  words: Int32Array<ArrayBufferLike>,
): boolean {
  const w = inode.words;
  const at = data.byteOffset + off;
  if (w && (at & 3) === 0 && data.buffer === words.buffer) {
    const k0 = at >>> 2;
    for (let k = 0; k < w.length; k++) if (w[k] !== words[k0 + k]) return false;
    return true;
  }
  const raw = inode.raw;
  for (let i = 0; i < raw.length; i++) if (data[off + i] !== raw[i]) return false;
  return true;
}

/** The inode checksum (32 bits when i_checksum_hi exists, else the low 16). */
export function inodeCsum(sb: Ext4Super, raw: Uint8Array, seed: number): number {
  let c = crc32c(seed, raw, 0, CSUM_LO);
  c = crc32cZeros(c, 2);
  c = crc32c(c, raw, CSUM_LO + 2, GOOD_OLD_INODE_SIZE);
  const withHi = hasCsumHi(raw);
  if (sb.inodeSize > GOOD_OLD_INODE_SIZE) {
    c = crc32c(c, raw, GOOD_OLD_INODE_SIZE, CSUM_HI);
    if (withHi) {
      c = crc32cZeros(c, 2);
      c = crc32c(c, raw, CSUM_HI + 2, sb.inodeSize);
    } else c = crc32c(c, raw, CSUM_HI, sb.inodeSize);
  }
  return withHi ? c : c & 0xffff;
}

function hasCsumHi(raw: Uint8Array): boolean {
  return raw.length > GOOD_OLD_INODE_SIZE && u16(raw, 0x80) >= 4;
}

/** The checksum stored in the inode. */
export function storedInodeCsum(raw: Uint8Array): number {
  const lo = u16(raw, CSUM_LO);
  return hasCsumHi(raw) ? (lo | (u16(raw, CSUM_HI) << 16)) >>> 0 : lo;
}

/** Recomputes the inode checksum in place. */
export function sealInode(sb: Ext4Super, inode: Ext4Inode): void {
  if (!sb.metadataCsum) return;
  const c = inodeCsum(sb, inode.raw, inode.csumSeed);
  set16(inode.raw, CSUM_LO, c & 0xffff);
  if (hasCsumHi(inode.raw)) set16(inode.raw, CSUM_HI, c >>> 16);
}
