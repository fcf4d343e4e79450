// ChaCha20 block function and stream cipher, RFC 8439 §2.1–2.4 (32-bit counter, 96-bit nonce).
// Pure typed-array arithmetic: no allocation per block beyond the caller's buffers.

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

function rotl(v: number, n: number): number {
  return (v << n) | (v >>> (32 - n));
}

/**
 * Computes one 64-byte ChaCha20 block (RFC 8439 §2.3) into `out` (16 words, host order = LE words).
 * @param key 8 little-endian key words; @param counter block counter; @param nonce 3 nonce words.
 */
export function chacha20Block(
  key: Uint32Array,
  counter: number,
  nonce: Uint32Array,
  out: Uint32Array,
): void {
  const s0 = SIGMA[0],
    s1 = SIGMA[1],
    s2 = SIGMA[2],
    s3 = SIGMA[3];
  const k0 = key[0],
    k1 = key[1],
    k2 = key[2],
    k3 = key[3],
    k4 = key[4],
    k5 = key[5],
    k6 = key[6],
    k7 = key[7];
  const c = counter >>> 0,
    n0 = nonce[0],
    n1 = nonce[1],
    n2 = nonce[2];
  let x0 = s0,
    x1 = s1,
    x2 = s2,
    x3 = s3,
    x4 = k0,
    x5 = k1,
    x6 = k2,
    x7 = k3;
  let x8 = k4,
    x9 = k5,
    x10 = k6,
    x11 = k7,
    x12 = c,
    x13 = n0,
    x14 = n1,
    x15 = n2;
  for (let i = 0; i < 10; i++) {
    // column rounds
    x0 = (x0 + x4) | 0;
    x12 = rotl(x12 ^ x0, 16);
    x8 = (x8 + x12) | 0;
    x4 = rotl(x4 ^ x8, 12);
    x0 = (x0 + x4) | 0;
    x12 = rotl(x12 ^ x0, 8);
    x8 = (x8 + x12) | 0;
    x4 = rotl(x4 ^ x8, 7);
    x1 = (x1 + x5) | 0;
    x13 = rotl(x13 ^ x1, 16);
    x9 = (x9 + x13) | 0;
    x5 = rotl(x5 ^ x9, 12);
    x1 = (x1 + x5) | 0;
    x13 = rotl(x13 ^ x1, 8);
    x9 = (x9 + x13) | 0;
    x5 = rotl(x5 ^ x9, 7);
    x2 = (x2 + x6) | 0;
    x14 = rotl(x14 ^ x2, 16);
    x10 = (x10 + x14) | 0;
    x6 = rotl(x6 ^ x10, 12);
    x2 = (x2 + x6) | 0;
    x14 = rotl(x14 ^ x2, 8);
    x10 = (x10 + x14) | 0;
    x6 = rotl(x6 ^ x10, 7);
    x3 = (x3 + x7) | 0;
    x15 = rotl(x15 ^ x3, 16);
    x11 = (x11 + x15) | 0;
    x7 = rotl(x7 ^ x11, 12);
    x3 = (x3 + x7) | 0;
    x15 = rotl(x15 ^ x3, 8);
    x11 = (x11 + x15) | 0;
    x7 = rotl(x7 ^ x11, 7);
    // diagonal rounds
    x0 = (x0 + x5) | 0;
    x15 = rotl(x15 ^ x0, 16);
    x10 = (x10 + x15) | 0;
    x5 = rotl(x5 ^ x10, 12);
    x0 = (x0 + x5) | 0;
    x15 = rotl(x15 ^ x0, 8);
    x10 = (x10 + x15) | 0;
    x5 = rotl(x5 ^ x10, 7);
    x1 = (x1 + x6) | 0;
    x12 = rotl(x12 ^ x1, 16);
    x11 = (x11 + x12) | 0;
    x6 = rotl(x6 ^ x11, 12);
    x1 = (x1 + x6) | 0;
    x12 = rotl(x12 ^ x1, 8);
    x11 = (x11 + x12) | 0;
    x6 = rotl(x6 ^ x11, 7);
    x2 = (x2 + x7) | 0;
    x13 = rotl(x13 ^ x2, 16);
    x8 = (x8 + x13) | 0;
    x7 = rotl(x7 ^ x8, 12);
    x2 = (x2 + x7) | 0;
    x13 = rotl(x13 ^ x2, 8);
    x8 = (x8 + x13) | 0;
    x7 = rotl(x7 ^ x8, 7);
    x3 = (x3 + x4) | 0;
    x14 = rotl(x14 ^ x3, 16);
    x9 = (x9 + x14) | 0;
    x4 = rotl(x4 ^ x9, 12);
    x3 = (x3 + x4) | 0;
    x14 = rotl(x14 ^ x3, 8);
    x9 = (x9 + x14) | 0;
    x4 = rotl(x4 ^ x9, 7);
  }
  out[0] = x0 + s0;
  out[1] = x1 + s1;
  out[2] = x2 + s2;
  out[3] = x3 + s3;
  out[4] = x4 + k0;
  out[5] = x5 + k1;
  out[6] = x6 + k2;
  out[7] = x7 + k3;
  out[8] = x8 + k4;
  out[9] = x9 + k5;
  out[10] = x10 + k6;
  out[11] = x11 + k7;
  out[12] = x12 + c;
  out[13] = x13 + n0;
  out[14] = x14 + n1;
  out[15] = x15 + n2;
}

/** Reads `n` little-endian u32 words from `bytes` (which must hold 4n bytes). */
export function wordsLE(bytes: Uint8Array, n: number): Uint32Array {
  if (bytes.length < 4 * n)
    throw new RangeError(`chacha20: need ${4 * n} bytes, got ${bytes.length}`);
  const w = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    w[i] =
      (bytes[4 * i] |
        (bytes[4 * i + 1] << 8) |
        (bytes[4 * i + 2] << 16) |
        (bytes[4 * i + 3] << 24)) >>>
      0;
  }
  return w;
}

/** Serialises one block of 16 words to 64 bytes, little-endian (RFC 8439 §2.3 "serialized"). */
export function blockBytes(words: Uint32Array, out: Uint8Array, offset = 0, count = 64): void {
  for (let i = 0; i < count; i++) out[offset + i] = (words[i >> 2] >>> ((i & 3) * 8)) & 0xff;
}

/**
 * ChaCha20 encryption/decryption (RFC 8439 §2.4): XORs the keystream starting at `counter` into a copy
 * of `data`. @returns the ciphertext (or plaintext).
 */
export function chacha20Xor(
  key: Uint8Array,
  counter: number,
  nonce: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const k = wordsLE(key, 8);
  const n = wordsLE(nonce, 3);
  const out = new Uint8Array(data.length);
  const blk = new Uint32Array(16);
  const ks = new Uint8Array(64);
  for (let off = 0, ctr = counter; off < data.length; off += 64, ctr++) {
    chacha20Block(k, ctr, n, blk);
    blockBytes(blk, ks);
    const len = Math.min(64, data.length - off);
    for (let i = 0; i < len; i++) out[off + i] = data[off + i] ^ ks[i];
  }
  return out;
}
