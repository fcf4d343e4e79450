// Hashed directory indexes (disk layout "Hash Tree Directories"): a root in logical block 0 (behind
// the "." and ".." entries), up to two (three with large_dir) levels of {hash, block} entries sorted by
// hash, leaves that are ordinary directory blocks. Nodes carry a crc32c tail with metadata_csum.
import { crc32c, crc32cZeros } from './crc32c';
import { u8, u16, u32 } from './le';

export const DX_ROOT_INFO = 24;
/** Block numbers in index entries use 28 bits (the top bits are reserved). */
export const DX_BLOCK_MASK = 0x0fffffff;

/** A parsed index node: where its entries start, how many there are and may be. */
export interface DxNode {
  countOff: number;
  count: number;
  limit: number;
}

/** The root's info. @returns hash version, levels and the entries' node, or what is malformed. */
export function parseDxRoot(
  b: Uint8Array,
  blockSize: number,
  csum: boolean,
  largeDir: boolean,
): { hashVersion: number; levels: number; node: DxNode } | string {
  if (u32(b, DX_ROOT_INFO) !== 0) return 'dx_root reserved_zero is not 0';
  const infoLen = u8(b, DX_ROOT_INFO + 5);
  if (infoLen !== 8) return `dx_root info_length ${infoLen} (want 8)`;
  const levels = u8(b, DX_ROOT_INFO + 6);
  if (levels >= (largeDir ? 3 : 2)) return `dx_root indirect_levels ${levels}`;
  const node = parseDxNode(b, DX_ROOT_INFO + infoLen, blockSize, csum);
  if (typeof node === 'string') return `dx_root: ${node}`;
  return { hashVersion: u8(b, DX_ROOT_INFO + 4), levels, node };
}

/** Count and limit at `countOff`, checked against the room in the block. */
export function parseDxNode(
  b: Uint8Array,
  countOff: number,
  blockSize: number,
  csum: boolean,
): DxNode | string {
  const limit = u16(b, countOff);
  const count = u16(b, countOff + 2);
  const room = (blockSize - countOff - (csum ? 8 : 0)) / 8;
  if (limit !== room) return `limit ${limit} (room for ${room})`;
  if (count === 0 || count > limit) return `count ${count} (limit ${limit})`;
  return { countOff, count, limit };
}

/** Hash of entry `i` (entry 0 has none: it covers everything below entry 1). */
export const dxHashAt = (b: Uint8Array, n: DxNode, i: number) =>
  i === 0 ? 0 : u32(b, n.countOff + i * 8);
export const dxBlockAt = (b: Uint8Array, n: DxNode, i: number) =>
  u32(b, n.countOff + i * 8 + 4) & DX_BLOCK_MASK;

/** The last entry whose hash is <= `hash`. */
export function dxFind(b: Uint8Array, n: DxNode, hash: number): number {
  let lo = 1;
  let hi = n.count - 1;
  let at = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (u32(b, n.countOff + mid * 8) <= hash) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at;
}

/** crc32c of an index node: header and used entries, then the tail's reserved word and a zero checksum. */
export function dxCsum(seed: number, b: Uint8Array, n: DxNode): number {
  let c = crc32c(seed, b, 0, n.countOff + n.count * 8);
  const t = n.countOff + n.limit * 8;
  c = crc32c(c, b, t, t + 4);
  return crc32cZeros(c, 4);
}

export const dxStoredCsum = (b: Uint8Array, n: DxNode) => u32(b, n.countOff + n.limit * 8 + 4);

/** Does this block look like an interior index node (one empty entry spanning the block)? */
export function isDxNodeBlock(b: Uint8Array, blockSize: number): boolean {
  const rl = u16(b, 4);
  return (
    u32(b, 0) === 0 && (rl === blockSize || (blockSize === 65536 && (rl === 0 || rl === 65535)))
  );
}
