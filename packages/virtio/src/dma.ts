// DMA memory for rings and request headers: page-aligned blocks of guest RAM from the allocator
// bound to the "dma" purpose (the default allocator otherwise).
import { Errno } from '@runikraft/errno';

export interface DmaAllocator {
  memalign(align: number, size: number): number;
  free(ptr: number): void;
}

/** Allocates `bytes` aligned to `align`. @returns the guest-physical address or -ENOMEM. */
export function dmaAlloc(a: DmaAllocator, bytes: number, align = 4096): number {
  const p = a.memalign(align, bytes);
  return p === 0 ? -Errno.ENOMEM : p;
}
