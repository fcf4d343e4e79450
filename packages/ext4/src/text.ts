// Names and link targets: bytes on disk, strings at the vfscore contract. ASCII takes a fast path;
// the guest's TextEncoder/TextDecoder exist only once rkboot has installed them, so they are made on
// first use, never at module load.
let encoder: InstanceType<typeof TextEncoder> | undefined;
let decoder: InstanceType<typeof TextDecoder> | undefined;

/** The UTF-8 bytes of `s`. */
export function encodeName(s: string): Uint8Array {
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) if (s.charCodeAt(i) > 0x7f) ascii = false;
  if (!ascii) return (encoder ??= new TextEncoder()).encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** `b[from, to)` as a string (invalid UTF-8 becomes U+FFFD, as Linux's readdir bytes would in JS). */
export function decodeName(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c > 0x7f) return (decoder ??= new TextDecoder()).decode(b.subarray(from, to));
    s += String.fromCharCode(c);
  }
  return s;
}

/** True when `b[at, at + name.length)` equals `name`. */
export function sameBytes(b: Uint8Array, at: number, name: Uint8Array): boolean {
  for (let i = 0; i < name.length; i++) if (b[at + i] !== name[i]) return false;
  return true;
}
