// Strict UTF-8 for 9P strings: names round-trip exactly or are refused (a lossy U+FFFD decode would
// name a different file than the server's), without host APIs.
import { Errno } from '@runikraft/errno';

/**
 * Writes `s` as UTF-8 into `out[at, end)`. @returns bytes written, -ENOSPC when it does not fit,
 * -EILSEQ for a lone surrogate.
 */
export function utf8Write(s: string, out: Uint8Array, at: number, end = out.length): number {
  let o = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (o >= end) return -Errno.ENOSPC;
      out[o++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return -Errno.EILSEQ;
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      i++;
    }
    const n = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (o + n > end) return -Errno.ENOSPC;
    if (n === 2) out[o++] = 0xc0 | (c >> 6);
    else if (n === 3) {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
    } else {
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 0x3f);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
    }
    out[o++] = 0x80 | (c & 0x3f);
  }
  return o - at;
}

/** Decodes b[start, end) as UTF-8. @returns the string, or null for any invalid, overlong or surrogate sequence. */
export function utf8Read(b: Uint8Array, start: number, end: number): string | null {
  let s = '';
  let i = start;
  while (i < end) {
    const c = b[i];
    if (c < 0x80) {
      s += String.fromCharCode(c);
      i++;
      continue;
    }
    const n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? (c < 0xf0 ? 3 : 0) : c >= 0xc2 ? 2 : 0;
    if (n === 0 || i + n > end) return null;
    let cp = c & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (d & 0x3f);
    }
    const min = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    s += String.fromCodePoint(cp);
    i += n;
  }
  return s;
}
