// Big-endian cell access and UTF-8 text without host APIs (kernel-side: no Buffer, no TextDecoder).

/** Reads a big-endian u32 at `off` (caller has bounds-checked). */
export function be32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

/** Reads a big-endian u64 at `off` as a bigint. */
export function be64(b: Uint8Array, off: number): bigint {
  return (BigInt(be32(b, off)) << 32n) | BigInt(be32(b, off + 4));
}

/** Writes a big-endian u32. */
export function putBe32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

/** Encodes u32 cells as big-endian bytes. */
export function cellsToBytes(cells: readonly number[]): Uint8Array {
  const out = new Uint8Array(cells.length * 4);
  for (let i = 0; i < cells.length; i++) putBe32(out, i * 4, cells[i]);
  return out;
}

const ASCII_CHUNK = 4096;
const NON_ASCII = /[\u0080-\uffff]/;

/** Decodes UTF-8 (invalid sequences become U+FFFD). */
export function utf8Decode(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  let i = start;
  while (i < end) {
    // ASCII runs in one native call: boot decodes every device-tree string in a cold guest realm.
    let j = i;
    while (j < end && b[j] < 0x80 && j - i < ASCII_CHUNK) j++;
    if (j > i) {
      s += String.fromCharCode.apply(null, b.subarray(i, j) as unknown as number[]);
      i = j;
      continue;
    }
    const [cp, n] = decodeOne(b, i, end);
    s += String.fromCodePoint(cp);
    i += n;
  }
  return s;
}

/**
 * One non-ASCII code point at `i` as the WHATWG UTF-8 decoder reads it (Encoding §4.3): the bounds of
 * the first continuation byte exclude overlongs and surrogates, and an ill-formed sequence becomes one
 * U+FFFD for its longest valid prefix. @returns the code point and the bytes consumed.
 */
function decodeOne(b: Uint8Array, i: number, end: number): [number, number] {
  const c = b[i];
  let n: number;
  let cp: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) [n, cp] = [2, c & 0x1f];
  else if (c >= 0xe0 && c <= 0xef) {
    [n, cp] = [3, c & 0x0f];
    if (c === 0xe0) lo = 0xa0;
    if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    [n, cp] = [4, c & 0x07];
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return [0xfffd, 1];
  for (let k = 1; k < n; k++) {
    const x = i + k < end ? b[i + k] : -1;
    if (x < lo || x > hi) return [0xfffd, k];
    cp = (cp << 6) | (x & 0x3f);
    lo = 0x80;
    hi = 0xbf;
  }
  return [cp, n];
}

/** Encodes a string as UTF-8; a lone surrogate becomes U+FFFD (as WHATWG TextEncoder does). */
export function utf8Encode(s: string): Uint8Array {
  if (!NON_ASCII.test(s)) {
    const ascii = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) ascii[i] = s.charCodeAt(i);
    return ascii;
  }
  const out: number[] = [];
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000)
      out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else
      out.push(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 0x3f),
        0x80 | ((cp >> 6) & 0x3f),
        0x80 | (cp & 0x3f),
      );
  }
  return Uint8Array.from(out);
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
