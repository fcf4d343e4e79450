// @runikraft/rkalloc-region: the region (bump) allocator library (ukallocregion).
import type { RkAlloc, RkHardeningOptions } from '@runikraft/rkalloc';
import { createRkAlloc, initAllocLibrary, rkallocParams } from '@runikraft/rkalloc/impl';
import { defineLibrary } from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';
import { RegionBackend } from './region';

export { RegionBackend } from './region';

/** Creates a region allocator over [base, base+len) of `phys`. */
export function createRegionAlloc(
  phys: RkPhysMem,
  base: number,
  len: number,
  opts: { harden?: RkHardeningOptions | false } = {},
): RkAlloc {
  return createRkAlloc(new RegionBackend(phys, base, len), phys, { harden: opts.harden ?? false });
}

/** The library descriptor: provides `rkalloc` on the platform's free memory at the plat init level. */
export const library = defineLibrary({
  name: 'rkalloc-region',
  version: '0.1.0',
  provides: ['rkalloc'],
  requires: ['rkplat'],
  initLevel: 'plat',
  params: rkallocParams,
  init: (ctx) => initAllocLibrary(ctx, (phys, base, len) => new RegionBackend(phys, base, len)),
});
