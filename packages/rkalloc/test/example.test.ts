// The README usage example, verbatim, run against a stub registry with a real allocator.
import type { RkMainArgs } from '@runikraft/rkboot';
import { expect, it } from 'vitest';
import { createTestPhys, stubRegistry } from '../src/conformance';
import { createRkAlloc } from '../src/front';
import { allocArray, bytesAt } from '../src/index';
import { createAllocApi } from '../src/registry';
import { FirstFitBackend } from './fixtures/firstfit';

function main({ registry }: RkMainArgs): number {
  const alloc = registry.get('rkalloc').default; // uk_alloc_get_default()
  const p = alloc.malloc(100); // a guest-physical address, 0 = out of memory
  if (p === 0) return 1;
  bytesAt(alloc.phys, p, 5).set([104, 101, 108, 108, 111]);
  alloc.free(p);
  const t = allocArray(alloc, Uint32Array, 256); // zeroed typed view over guest RAM
  if (t) alloc.release(t.ptr, 256 * 4); // sized release (second API level)
  return alloc.stats().curNbAllocs; // 0
}

it('README example', () => {
  const phys = createTestPhys(1 << 20);
  const registry = stubRegistry();
  registry.provide(
    'rkalloc',
    createAllocApi(createRkAlloc(new FirstFitBackend(phys.base, 1 << 19), phys)),
  );
  expect(main({ argv: ['x'], registry, plat: {} as RkMainArgs['plat'], params: {} })).toBe(0);
});
