// @runikraft/rkalloc-tiny: the tiny tinyalloc allocator library (ukalloctiny).
import type { RkAlloc, RkHardeningOptions } from '@runikraft/rkalloc';
import { createRkAlloc, initAllocLibrary, rkallocParams } from '@runikraft/rkalloc/impl';
import { defineLibrary } from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';
import { TinyBackend } from './tiny';

export { TinyBackend } from './tiny';

/** Creates a tiny allocator over [base, base+len) of `phys`. */
export function createTinyAlloc(
  phys: RkPhysMem,
  base: number,
  len: number,
  opts: { harden?: RkHardeningOptions | false } = {},
): RkAlloc {
  return createRkAlloc(new TinyBackend(base, len), phys, { harden: opts.harden ?? false });
}

/** The library descriptor: provides `rkalloc` on the platform's free memory at the plat init level. */
export const library = defineLibrary({
  name: 'rkalloc-tiny',
  version: '0.1.0',
  provides: ['rkalloc'],
  requires: ['rkplat'],
  initLevel: 'plat',
  params: rkallocParams,
  init: (ctx) => initAllocLibrary(ctx, (_phys, base, len) => new TinyBackend(base, len)),
});
