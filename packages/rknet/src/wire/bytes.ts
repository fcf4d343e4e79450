// Big-endian field access for wire views. Views wrap a Uint8Array that is a subarray of guest RAM
// (a netbuf's data), so reads and writes go straight to the packet bytes: no copy, no allocation.

/** The 16-bit big-endian value at `o`. */
export function get16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

/** The 32-bit big-endian value at `o`, unsigned. */
export function get32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Writes the low 16 bits of `v` big-endian at `o`. */
export function set16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

/** Writes `v` as 32 bits big-endian at `o`. */
export function set32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** The 48-bit big-endian value at `o` (a MAC address as a number: exact, since 2^48 < 2^53). */
export function get48(b: Uint8Array, o: number): number {
  return get16(b, o) * 0x1_0000_0000 + get32(b, o + 2);
}

/** Writes `v` (0..2^48-1) as 48 bits big-endian at `o`. */
export function set48(b: Uint8Array, o: number, v: number): void {
  set16(b, o, Math.floor(v / 0x1_0000_0000));
  set32(b, o + 2, v >>> 0);
}
