// Directory blocks (disk layout "Linear (Classic) Directories"): entries of {inode, rec_len,
// name_len, file_type, name}, checked as they are walked; with metadata_csum each leaf block ends in
// a 12-byte fake entry holding a crc32c of the block.
import { crc32c } from './crc32c';
import { set16, set32, u8, u16, u32 } from './le';

export const DIRENT_TAIL_SIZE = 12;
const DIRENT_TAIL_FT = 0xde;

/** ext4 file_type codes (EXT4_FT_*) ↔ DT_* (the same numbering as Linux's dirent d_type). */
export const FT_DIR = 2;

/** rec_len as stored: 0 or 65535 stand for a whole 64 KiB block (ext4_rec_len_from_disk). */
export function recLen(b: Uint8Array, off: number, blockSize: number): number {
  const v = u16(b, off + 4);
  if (blockSize < 65536) return v;
  return v === 65535 || v === 0 ? blockSize : (v & 65532) | ((v & 3) << 16);
}

export function setRecLen(b: Uint8Array, off: number, len: number, blockSize: number): void {
  if (blockSize >= 65536 && len === blockSize) set16(b, off + 4, 65535);
  else set16(b, off + 4, (len & 65532) | ((len >> 16) & 3));
}

/** The smallest record holding a name of `n` bytes. */
export const direntSize = (n: number) => (8 + n + 3) & ~3;

/** Is there a checksum tail at the end of this block? */
export function hasTail(b: Uint8Array, blockSize: number): boolean {
  const t = blockSize - DIRENT_TAIL_SIZE;
  return (
    u32(b, t) === 0 &&
    u16(b, t + 4) === DIRENT_TAIL_SIZE &&
    u8(b, t + 6) === 0 &&
    u8(b, t + 7) === DIRENT_TAIL_FT
  );
}

export function leafCsum(seed: number, b: Uint8Array, blockSize: number): number {
  return crc32c(seed, b, 0, blockSize - DIRENT_TAIL_SIZE);
}

/** Writes a fresh tail with the block's checksum. */
export function sealLeaf(seed: number, b: Uint8Array, blockSize: number): void {
  const t = blockSize - DIRENT_TAIL_SIZE;
  set32(b, t, 0);
  set16(b, t + 4, DIRENT_TAIL_SIZE);
  b[t + 6] = 0;
  b[t + 7] = DIRENT_TAIL_FT;
  set32(b, t + 8, leafCsum(seed, b, blockSize));
}

/** One entry as the walker reports it. */
export interface RawDirent {
  off: number;
  ino: number;
  recLen: number;
  nameLen: number;
  ftype: number;
}

/**
 * Walks the entries of a leaf block from byte `from` (an entry boundary) to `end` (the tail, or the
 * block end), calling `fn` for each (also for unused ones, ino 0) until it returns false.
 * @returns null, or what is malformed (rec_len too small, unaligned or past the end; name past the
 * record; inode number above `maxIno`).
 */
export function walkLeaf(
  b: Uint8Array,
  end: number,
  blockSize: number,
  filetype: boolean,
  maxIno: number,
  fn: (d: RawDirent) => boolean,
  from = 0,
): string | null {
  const d: RawDirent = { off: 0, ino: 0, recLen: 0, nameLen: 0, ftype: 0 };
  for (let off = from; off < end; ) {
    const rl = recLen(b, off, blockSize);
    const ino = u32(b, off);
    const nameLen = filetype ? u8(b, off + 6) : u16(b, off + 6);
    if (rl < 12 || rl % 4 !== 0) return `entry at ${off}: rec_len ${rl}`;
    if (off + rl > end) return `entry at ${off}: rec_len ${rl} runs past ${end}`;
    if (8 + nameLen > rl) return `entry at ${off}: name_len ${nameLen} > rec_len ${rl}`;
    if (ino > maxIno) return `entry at ${off}: inode ${ino} > ${maxIno}`;
    if (ino !== 0 && nameLen === 0) return `entry at ${off}: empty name`;
    d.off = off;
    d.ino = ino;
    d.recLen = rl;
    d.nameLen = nameLen;
    d.ftype = filetype ? u8(b, off + 7) : 0;
    if (!fn(d)) return null;
    off += rl;
  }
  return null;
}
