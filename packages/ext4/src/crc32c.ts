// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) as ext4's metadata_csum uses it: the raw
// register update with no pre- or post-inversion (Linux crc32c(seed, ...); callers seed with ~0).

// Int32Array, not Uint32Array: entries above 2^31 would be loaded as doubles and slow every step.
const TABLE = (() => {
  const t = new Int32Array(256 * 8);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c;
  }
  // slicing-by-8 tables: t[k*256 + i] is the CRC of byte i followed by k zero bytes
  for (let i = 0; i < 256; i++)
    for (let k = 1; k < 8; k++) {
      const p = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = (p >>> 8) ^ t[p & 0xff]!;
    }
  return t;
})();

/** Folds `buf[from, to)` into the CRC register `crc`. @returns the new register value (uint32). */
export function crc32c(crc: number, buf: Uint8Array, from = 0, to = buf.length): number {
  let c = crc | 0;
  let i = from;
  const t = TABLE;
  for (; i + 8 <= to; i += 8) {
    c ^= buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    const d = buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + (d & 0xff)]! ^
      t[512 + ((d >>> 8) & 0xff)]! ^
      t[256 + ((d >>> 16) & 0xff)]! ^
      t[d >>> 24]!;
  }
  for (; i < to; i++) c = (c >>> 8) ^ t[(c ^ buf[i]!) & 0xff]!;
  return c >>> 0;
}

const le32 = new Uint8Array(4);

/** Folds a little-endian 32-bit value into the register (inode numbers, group numbers, generations). */
export function crc32cU32(crc: number, v: number): number {
  le32[0] = v & 0xff;
  le32[1] = (v >>> 8) & 0xff;
  le32[2] = (v >>> 16) & 0xff;
  le32[3] = (v >>> 24) & 0xff;
  return crc32c(crc, le32);
}

/** Folds `n` zero bytes (a checksum field taken as zero). */
export function crc32cZeros(crc: number, n: number): number {
  let c = crc | 0;
  for (let i = 0; i < n; i++) c = (c >>> 8) ^ TABLE[c & 0xff]!;
  return c >>> 0;
}
