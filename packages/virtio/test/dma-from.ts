// DMA memory for tests on the booted machine.
import type { RkPlat } from '@runikraft/rkplat';

/** A bump allocator over the largest free RAM region the platform reports. */
export function dmaFrom(plat: RkPlat) {
  const free = plat.memory.regions().filter((r) => r.type === 'free');
  const r = free.reduce((a, b) => (b.len > a.len ? b : a));
  let next = Math.ceil(r.pbase / 4096) * 4096;
  return {
    memalign(align: number, size: number): number {
      const p = Math.ceil(next / align) * align;
      if (p + size > r.pbase + r.len) return 0;
      next = p + size;
      return p;
    },
    free(): void {},
  };
}
