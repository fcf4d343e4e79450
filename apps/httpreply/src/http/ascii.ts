// Byte-string helpers: HTTP heads are bytes; httpreply handles them as latin1 strings (one char per byte).

/** The value of a hex digit byte, or -1. */
export function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 87 : -1;
}

/** `buf[from, to)` as a latin1 string. */
export function latin1Decode(buf: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i += 4096)
    s += String.fromCharCode.apply(
      null,
      buf.subarray(i, Math.min(to, i + 4096)) as unknown as number[],
    );
  return s;
}

/** A latin1 string's bytes (chars above 0xff are not expected; they are truncated to 8 bits). */
export function latin1Encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** True when `s` has a byte at or below `max` (0x1f: controls; 0x20: also space) or DEL. */
export function hasControl(s: string, max = 0x1f): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= max || c === 0x7f) return true;
  }
  return false;
}
