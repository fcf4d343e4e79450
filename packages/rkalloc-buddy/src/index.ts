// @runikraft/rkalloc-buddy: the buddy binary buddy allocator library (ukallocbuddy).
import type { RkAlloc, RkHardeningOptions } from '@runikraft/rkalloc';
import { createRkAlloc, initAllocLibrary, rkallocParams } from '@runikraft/rkalloc/impl';
import { defineLibrary } from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';
import { BuddyBackend } from './backend';

export { BuddyBackend } from './backend';
export { BUDDY_MAX_ORDER, type BuddyPageLists } from './order';

/** Creates a buddy allocator over [base, base+len) of `phys`. */
export function createBuddyAlloc(
  phys: RkPhysMem,
  base: number,
  len: number,
  opts: { harden?: RkHardeningOptions | false } = {},
): RkAlloc {
  return createRkAlloc(new BuddyBackend(phys, base, len), phys, { harden: opts.harden ?? false });
}

/** The library descriptor: provides `rkalloc` on the platform's free memory at the plat init level. */
export const library = defineLibrary({
  name: 'rkalloc-buddy',
  version: '0.1.0',
  provides: ['rkalloc'],
  requires: ['rkplat'],
  initLevel: 'plat',
  params: rkallocParams,
  init: (ctx) => initAllocLibrary(ctx, (phys, base, len) => new BuddyBackend(phys, base, len)),
});
