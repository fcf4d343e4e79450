// Little-endian field access on byte arrays (ext4 is little-endian throughout; fields are often
// unaligned inside a block, so no typed-array views).

export const u8 = (b: Uint8Array, o: number): number => b[o]!;
export const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
export const u32 = (b: Uint8Array, o: number): number =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
/** A 48- or 64-bit quantity split into `lo` (32 bits) and `hi` bits; exact up to 2^53. */
export const hilo = (lo: number, hi: number): number => hi * 0x100000000 + lo;

export function set16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

export function set32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/** Stores `v` (< 2^53) as a low 32-bit field at `lo` and its high bits (16 or 32 wide) at `hi`. */
export function setHilo(b: Uint8Array, lo: number, hi: number, hiBytes: 2 | 4, v: number): void {
  set32(b, lo, v % 0x100000000);
  const h = Math.floor(v / 0x100000000);
  if (hiBytes === 2) set16(b, hi, h);
  else set32(b, hi, h);
}
