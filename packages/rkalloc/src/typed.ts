// Typed helpers for kernel code: typed-array views over allocations, zeroing, copying (memset/memcpy/memmove).
import { Errno, RkError } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkAlloc } from './api';
import { copyFromGuest, copyToGuest } from './copy';
import { fillBytes } from './fill';

/** A typed-array constructor usable over guest RAM. */
export type RkTypedArrayCtor<T> = {
  new (buffer: SharedArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * A typed-array view of `count` elements at guest address `ptr`. Throws RkError(EFAULT) when the range is
 * outside RAM or `ptr` is not aligned to the element size (typed arrays over a SharedArrayBuffer must be aligned).
 */
export function viewAt<T>(
  phys: RkPhysMem,
  Ctor: RkTypedArrayCtor<T>,
  ptr: number,
  count: number,
): T {
  const off = ptr - phys.base;
  const bytes = count * Ctor.BYTES_PER_ELEMENT;
  if (off < 0 || bytes < 0 || off + bytes > phys.size)
    throw new RkError(
      Errno.EFAULT,
      `rkalloc: view [0x${ptr.toString(16)}, +${bytes}) lies outside guest RAM`,
    );
  if (off % Ctor.BYTES_PER_ELEMENT !== 0)
    throw new RkError(
      Errno.EFAULT,
      `rkalloc: 0x${ptr.toString(16)} is not ${Ctor.BYTES_PER_ELEMENT}-byte aligned`,
    );
  return new Ctor(phys.buffer, phys.u8.byteOffset + off, count);
}

/** An allocation with a typed view over it; free it with `alloc.free(ptr)`. */
export interface RkTypedAllocation<T> {
  readonly ptr: number;
  readonly array: T;
}

/** Allocates `count` zeroed elements. @returns the pointer and view, or null when out of memory. */
export function allocArray<T>(
  alloc: RkAlloc,
  Ctor: RkTypedArrayCtor<T>,
  count: number,
): RkTypedAllocation<T> | null {
  const ptr = alloc.calloc(count, Ctor.BYTES_PER_ELEMENT);
  return ptr === 0 ? null : { ptr, array: viewAt(alloc.phys, Ctor, ptr, count) };
}

/** A byte view of `len` bytes at `ptr` (no copy). */
export function bytesAt(phys: RkPhysMem, ptr: number, len: number): Uint8Array {
  return viewAt(phys, Uint8Array, ptr, len);
}

/** Fills `len` bytes at `ptr` with `value` (memset). */
export function memset(phys: RkPhysMem, ptr: number, value: number, len: number): void {
  bytesAt(phys, ptr, len);
  fillBytes(phys.u8, ptr - phys.base, len, value);
}

/** Zeroes `len` bytes at `ptr`. */
export function memzero(phys: RkPhysMem, ptr: number, len: number): void {
  memset(phys, ptr, 0, len);
}

/** Copies `len` bytes from `src` to `dst`; the ranges may overlap (memmove semantics, so memcpy too). */
export function memmove(phys: RkPhysMem, dst: number, src: number, len: number): void {
  bytesAt(phys, dst, len);
  bytesAt(phys, src, len);
  phys.u8.copyWithin(dst - phys.base, src - phys.base, src - phys.base + len);
}

/** Copies host bytes into guest RAM at `dst`. */
export function copyIn(phys: RkPhysMem, dst: number, data: Uint8Array): void {
  bytesAt(phys, dst, data.length);
  copyToGuest(phys.u8, dst - phys.base, data);
}

/** Copies `len` guest bytes at `src` out into a new host array. */
export function copyOut(phys: RkPhysMem, src: number, len: number): Uint8Array {
  bytesAt(phys, src, len);
  const out = new Uint8Array(len);
  copyFromGuest(out, phys.u8, src - phys.base);
  return out;
}
