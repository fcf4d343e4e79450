// __NAME__: an rkalloc provider. `library` is what rk's generated entry imports from every chosen
// component; `createAlloc` builds one allocator instance (the conformance kit uses it).
import type { RkAlloc, RkHardeningOptions } from '@runikraft/rkalloc';
import { createRkAlloc, initAllocLibrary, rkallocParams } from '@runikraft/rkalloc/impl';
import { defineLibrary } from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';
import { BumpBackend } from './bump';

/** Creates the allocator over [base, base+len) of `phys`, behind rkalloc's shared front end. */
export function createAlloc(
  phys: RkPhysMem,
  base: number,
  len: number,
  opts: { harden?: RkHardeningOptions | false } = {},
): RkAlloc {
  return createRkAlloc(new BumpBackend(phys, base, len), phys, { harden: opts.harden ?? false });
}

/**
 * The library descriptor: at the `plat` init level it builds the allocator on the platform's free
 * memory and provides `rkalloc`. Its boot parameters are rkalloc's (`__LIB__.harden=1`, ...).
 */
export const library = defineLibrary({
  name: '__LIB__',
  version: '0.1.0',
  provides: ['rkalloc'],
  requires: ['rkplat'],
  initLevel: 'plat',
  params: rkallocParams,
  init: (ctx) => initAllocLibrary(ctx, (phys, base, len) => new BumpBackend(phys, base, len)),
});
