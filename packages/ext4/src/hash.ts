// Directory-index name hashes (the ext4 disk layout's "Hash Tree Directories": legacy, half-MD4 and
// TEA, each in a signed-char and an unsigned-char flavour), as e2fsprogs and Linux compute them.

export const DX_HASH_LEGACY = 0;
export const DX_HASH_HALF_MD4 = 1;
export const DX_HASH_TEA = 2;
export const DX_HASH_LEGACY_UNSIGNED = 3;
export const DX_HASH_HALF_MD4_UNSIGNED = 4;
export const DX_HASH_TEA_UNSIGNED = 5;

/** The value the index uses as "end of directory" in 32-bit cookies; a real hash never takes it. */
const HTREE_EOF_32 = 0x7fffffff;

const rol = (x: number, s: number) => ((x << s) | (x >>> (32 - s))) >>> 0;

/** A name byte as C's `char` would widen it: signed (x86 default) or unsigned. */
const charOf = (b: number, signed: boolean) => (signed && b >= 128 ? b - 256 : b);

function legacyHash(name: Uint8Array, signed: boolean): number {
  let h0 = 0x12a3fe2d;
  let h1 = 0x37abe8f9;
  for (const b of name) {
    let h = (h1 + (h0 ^ Math.imul(charOf(b, signed), 7152373))) >>> 0;
    if (h & 0x80000000) h = (h - 0x7fffffff) >>> 0;
    h1 = h0;
    h0 = h;
  }
  return (h0 << 1) >>> 0;
}

/** Packs up to `num` words of the name (from `at`), padded with a length-derived word. */
function toWords(
  name: Uint8Array,
  at: number,
  signed: boolean,
  out: Uint32Array,
  num: number,
): void {
  let len = name.length - at;
  let pad = (len | (len << 8)) >>> 0;
  pad = (pad | (pad << 16)) >>> 0;
  let val = pad;
  if (len > num * 4) len = num * 4;
  let w = 0;
  for (let i = 0; i < len; i++) {
    val = (charOf(name[at + i]!, signed) + ((val << 8) >>> 0)) >>> 0;
    if (i % 4 === 3) {
      out[w++] = val;
      val = pad;
    }
  }
  if (w < num) out[w++] = val;
  while (w < num) out[w++] = pad;
}

const K2 = 0x5a827999;
const K3 = 0x6ed9eba1;

function halfMd4(buf: Uint32Array, x: Uint32Array): void {
  let a = buf[0]!;
  let b = buf[1]!;
  let c = buf[2]!;
  let d = buf[3]!;
  const F = (p: number, q: number, r: number) => r ^ (p & (q ^ r));
  const G = (p: number, q: number, r: number) => ((p & q) + ((p ^ q) & r)) >>> 0;
  const H = (p: number, q: number, r: number) => p ^ q ^ r;
  type Fn = (p: number, q: number, r: number) => number;
  // each round: the four registers rotate roles; [word index, shift] per step
  const round = (f: Fn, k: number, steps: readonly (readonly [number, number])[]) => {
    for (let i = 0; i < 8; i++) {
      const [wi, s] = steps[i]!;
      const t = rol((a + f(b, c, d) + x[wi]! + k) >>> 0, s);
      a = d;
      d = c;
      c = b;
      b = t;
    }
  };
  round(F, 0, [
    [0, 3],
    [1, 7],
    [2, 11],
    [3, 19],
    [4, 3],
    [5, 7],
    [6, 11],
    [7, 19],
  ]);
  round(G, K2, [
    [1, 3],
    [3, 5],
    [5, 9],
    [7, 13],
    [0, 3],
    [2, 5],
    [4, 9],
    [6, 13],
  ]);
  round(H, K3, [
    [3, 3],
    [7, 9],
    [2, 11],
    [6, 15],
    [1, 3],
    [5, 9],
    [0, 11],
    [4, 15],
  ]);
  buf[0] = buf[0]! + a;
  buf[1] = buf[1]! + b;
  buf[2] = buf[2]! + c;
  buf[3] = buf[3]! + d;
}

function tea(buf: Uint32Array, x: Uint32Array): void {
  let sum = 0;
  let b0 = buf[0]!;
  let b1 = buf[1]!;
  const [a, b, c, d] = [x[0]!, x[1]!, x[2]!, x[3]!];
  for (let n = 0; n < 16; n++) {
    sum = (sum + 0x9e3779b9) >>> 0;
    b0 = (b0 + ((((b1 << 4) + a) ^ (b1 + sum) ^ ((b1 >>> 5) + b)) >>> 0)) >>> 0;
    b1 = (b1 + ((((b0 << 4) + c) ^ (b0 + sum) ^ ((b0 >>> 5) + d)) >>> 0)) >>> 0;
  }
  buf[0] = buf[0]! + b0;
  buf[1] = buf[1]! + b1;
}

/**
 * The major hash of `name` for `version` (DX_HASH_*; the unsigned flavours are version + 3) with the
 * superblock's `seed` (four words; all zero means the default seed).
 * @returns the 32-bit hash with bit 0 clear, or -1 for an unknown version.
 */
export function dxHash(name: Uint8Array, version: number, seed: Uint32Array): number {
  const buf = Uint32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476);
  if (seed.some((w) => w !== 0)) buf.set(seed);
  const signed = version < 3;
  const x = new Uint32Array(8);
  let hash: number;
  switch (version % 3) {
    case DX_HASH_LEGACY:
      hash = legacyHash(name, signed);
      break;
    case DX_HASH_HALF_MD4:
      for (let at = 0; at < name.length; at += 32) {
        toWords(name, at, signed, x, 8);
        halfMd4(buf, x);
      }
      hash = buf[1]!;
      break;
    default:
      for (let at = 0; at < name.length; at += 16) {
        toWords(name, at, signed, x, 4);
        tea(buf, x);
      }
      hash = buf[0]!;
  }
  if (version < 0 || version > 5) return -1;
  hash = (hash & ~1) >>> 0;
  if (hash === HTREE_EOF_32 << 1) hash = ((HTREE_EOF_32 - 1) << 1) >>> 0;
  return hash;
}
