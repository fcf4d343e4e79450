// Byte fills over guest RAM. TypedArray.fill on a SharedArrayBuffer is ~10x slower per byte than on an
// ArrayBuffer in V8 (it takes the shared-memory path), so the aligned middle is filled as 8-byte words.

const f64Of = new WeakMap<ArrayBufferLike, Float64Array>();
const word = new Float64Array(1);
const wordBytes = new Uint8Array(word.buffer);

/** Fills `len` bytes of `u8` from index `off` with `byte`. */
export function fillBytes(u8: Uint8Array, off: number, len: number, byte: number): void {
  if (len < 64 || (u8.byteOffset & 7) !== 0) {
    u8.fill(byte, off, off + len);
    return;
  }
  let f64 = f64Of.get(u8.buffer);
  if (f64 === undefined || f64.byteOffset !== u8.byteOffset) {
    f64 = new Float64Array(u8.buffer, u8.byteOffset, u8.length >>> 3);
    f64Of.set(u8.buffer, f64);
  }
  const end = off + len;
  const a = (off + 7) & ~7;
  const b = end & ~7;
  u8.fill(byte, off, a);
  wordBytes.fill(byte);
  f64.fill(word[0], a >>> 3, b >>> 3);
  u8.fill(byte, b, end);
}
