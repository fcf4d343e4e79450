// TLSF size-class mapping (Masmano et al., "TLSF: a New Dynamic Memory Allocator for Real-Time Systems",
// ECRTS 2004, §4): first level = power of two, second level = 16 linear subdivisions.

/** log2 of second-level subdivisions. */
export const SL_LOG2 = 4;
export const SL_COUNT = 1 << SL_LOG2;
/** Sizes below this are mapped linearly in 16-byte steps (first level 0). */
export const SMALL = 1 << (SL_LOG2 + 4);
export const FL_COUNT = 25;

/** Index of the highest set bit (x > 0). */
export const fls = (x: number): number => 31 - Math.clz32(x);
/** Index of the lowest set bit (x != 0). */
export const ffs = (x: number): number => 31 - Math.clz32(x & -x);

/** The list a free block of `size` bytes belongs to, as fl * SL_COUNT + sl. */
export function listOf(size: number): number {
  if (size < SMALL) return size >>> 4;
  const f = fls(size);
  return (f - 7) * SL_COUNT + ((size >>> (f - SL_LOG2)) ^ SL_COUNT);
}

/** The first list whose every block can hold `size` (size rounded up to its class). */
export function searchListOf(size: number): number {
  if (size < SMALL) return size >>> 4;
  const f = fls(size);
  return listOf(size + (1 << (f - SL_LOG2)) - 1);
}

/** The smallest block size list `index` holds. */
export function listStart(index: number): number {
  const fl = index >>> SL_LOG2;
  const sl = index & (SL_COUNT - 1);
  if (fl === 0) return sl * 16;
  const f = fl + 7;
  return 2 ** f + sl * 2 ** (f - SL_LOG2);
}
