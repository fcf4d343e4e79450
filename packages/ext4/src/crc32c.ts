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

/**
 * Runs of zero bytes skipped in one step: the register update is linear over GF(2) (no inversion
 * inside), so n zero bytes map the register through a fixed linear operator. ZERO holds the
 * operators for 8·2^k zero bytes (k < ZERO_LEVELS, 8 B up to 32 KiB), each as four 256-entry
 * tables by the register's bytes. ext4's metadata blocks are mostly zeros (a descriptor or commit
 * block past its header, the unused inodes of an inode table block, a young file system's bitmaps,
 * a directory block's free tail), so most of their bytes are folded a run at a time.
 */
const ZERO_LEVELS = 13;
const ZERO = (() => {
  const z = new Int32Array(ZERO_LEVELS * 1024);
  for (let j = 0; j < 4; j++)
    for (let b = 0; b < 256; b++) {
      let c = b << (8 * j);
      for (let k = 0; k < 8; k++) c = (c >>> 8) ^ TABLE[c & 0xff]!;
      z[j * 256 + b] = c;
    }
  for (let k = 1; k < ZERO_LEVELS; k++)
    for (let j = 0; j < 4; j++)
      for (let b = 0; b < 256; b++) {
        const half = (k - 1) * 1024;
        z[k * 1024 + j * 256 + b] = zeroOp(z, half, zeroOp(z, half, b << (8 * j)));
      }
  return z;
})();

/** The register `c` after the zero run whose operator starts at z[at] (z: ZERO, or its making). */
function zeroOp(z: Int32Array, at: number, c: number): number {
  return (
    z[at + (c & 0xff)]! ^
    z[at + 256 + ((c >>> 8) & 0xff)]! ^
    z[at + 512 + ((c >>> 16) & 0xff)]! ^
    z[at + 768 + (c >>> 24)]!
  );
}

/** The register `c` after `n` 8-byte chunks of zeros. */
function zeroChunks(c: number, n: number): number {
  const top = ZERO_LEVELS - 1;
  for (; n >= 1 << top; n -= 1 << top) c = zeroOp(ZERO, top * 1024, c);
  for (let k = 0; n > 0; k++, n >>>= 1) if (n & 1) c = zeroOp(ZERO, k * 1024, c);
  return c;
}

/** Folds `buf[from, to)` into the CRC register `crc`. @returns the new register value (uint32). */
export function crc32c(crc: number, buf: Uint8Array, from = 0, to = buf.length): number {
  let c = crc | 0;
  let i = from;
  const at = buf.byteOffset + from;
  const len = to - from;
  if (LITTLE && (at & 3) === 0 && len >= 64 && (buf.buffer === wordsBuf || len >= 512)) {
    // whole words: one load per 4 bytes (byte loads are most of the cost); a small range of another
    // buffer (an inode's own bytes) goes byte by byte rather than making a view for it
    const w = wordsOf(buf.buffer);
    const k0 = at >>> 2;
    const n = (to - from) >>> 3;
    c = crcWords(c, w, k0, k0 + 2 * n);
    i += 8 * n;
  }
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

/** Folds the words `w[k, end)` (an even count, little-endian bytes) into `c`. */
function crcWords(c: number, w: Int32Array<ArrayBufferLike>, k: number, end: number): number {
  const t = TABLE;
  for (; k < end; k += 2) {
    const a = w[k]!;
    const d = w[k + 1]!;
    if ((a | d) === 0) {
      // a zero chunk: find the whole run of them, then fold it in one step
      let e = k + 2;
      while (e < end && (w[e]! | w[e + 1]!) === 0) e += 2;
      c = zeroChunks(c, (e - k) >>> 1);
      k = e - 2;
      continue;
    }
    c ^= a;
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
  return c;
}

/** Int32Array loads give the little-endian words the table steps take only on a little-endian host. */
const LITTLE = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The last buffer seen as words (the block cache's blocks all live in one: guest RAM). */
let wordsBuf: ArrayBufferLike | null = null;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);

function wordsOf(b: ArrayBufferLike): Int32Array<ArrayBufferLike> {
  if (b !== wordsBuf) {
    words = new Int32Array(b, 0, b.byteLength >>> 2);
    wordsBuf = b;
  }
  return words;
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
  let c = zeroChunks(crc | 0, n >>> 3);
  for (let i = n & ~7; i < n; i++) c = (c >>> 8) ^ TABLE[c & 0xff]!;
  return c >>> 0;
}
