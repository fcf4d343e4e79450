// @runikraft/rkalloc-tlsf: the tlsf (TLSF) allocator library (ukalloctlsf).
import type { RkAlloc, RkHardeningOptions } from '@runikraft/rkalloc';
import { createRkAlloc, initAllocLibrary, rkallocParams } from '@runikraft/rkalloc/impl';
import { defineLibrary } from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';
import { TlsfBackend } from './tlsf';

export { TlsfBackend } from './tlsf';

/** Creates a tlsf allocator over [base, base+len) of `phys`. */
export function createTlsfAlloc(
  phys: RkPhysMem,
  base: number,
  len: number,
  opts: { harden?: RkHardeningOptions | false } = {},
): RkAlloc {
  return createRkAlloc(new TlsfBackend(phys, base, len), phys, { harden: opts.harden ?? false });
}

/** The library descriptor: provides `rkalloc` on the platform's free memory at the plat init level. */
export const library = defineLibrary({
  name: 'rkalloc-tlsf',
  version: '0.1.0',
  provides: ['rkalloc'],
  requires: ['rkplat'],
  initLevel: 'plat',
  params: rkallocParams,
  init: (ctx) => initAllocLibrary(ctx, (phys, base, len) => new TlsfBackend(phys, base, len)),
});
