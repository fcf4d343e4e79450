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

/** Decodes UTF-8 (invalid sequences become U+FFFD). */
export function utf8Decode(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  let i = start;
  while (i < end) {
    const c = b[i];
    let cp = 0xfffd;
    let n = 1;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c < 0xe0 && cont(b, i + 1, end)) {
      cp = ((c & 0x1f) << 6) | (b[i + 1] & 0x3f);
      n = 2;
    } else if (c >= 0xe0 && c < 0xf0 && cont(b, i + 1, end) && cont(b, i + 2, end)) {
      const v = ((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
      if (v >= 0x800 && (v < 0xd800 || v > 0xdfff)) [cp, n] = [v, 3];
    } else if (
      c >= 0xf0 &&
      c < 0xf5 &&
      cont(b, i + 1, end) &&
      cont(b, i + 2, end) &&
      cont(b, i + 3, end)
    ) {
      const v =
        ((c & 0x07) << 18) |
        ((b[i + 1] & 0x3f) << 12) |
        ((b[i + 2] & 0x3f) << 6) |
        (b[i + 3] & 0x3f);
      if (v >= 0x10000 && v <= 0x10ffff) [cp, n] = [v, 4];
    }
    s += String.fromCodePoint(cp);
    i += n;
  }
  return s;
}

function cont(b: Uint8Array, i: number, end: number): boolean {
  return i < end && (b[i] & 0xc0) === 0x80;
}

/** Encodes a string as UTF-8; a lone surrogate becomes U+FFFD (as WHATWG TextEncoder does). */
export function utf8Encode(s: string): Uint8Array {
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
