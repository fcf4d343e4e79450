// @runikraft/rkalloc/conformance: the conformance kit any allocator runs against itself (vitest + fast-check).
// Usage in a provider's test/conformance.test.ts:
//   describeRkAlloc('tlsf', (env) => createTlsfAlloc(env.phys, env.base, env.len, { harden: env.harden }));

import type { RkLibrary } from '@runikraft/rkboot';
import { describe, it } from 'vitest';
import { edgeChecks, type RkAllocCheck } from './conformance/edge';
import type { RkAllocCapabilities, RkAllocFactory } from './conformance/env';
import { hardenedChecks } from './conformance/hardened';
import { libraryChecks } from './conformance/library';
import { misuseChecks } from './conformance/misuse';
import { checkSequences } from './conformance/sequence';

export type { RkAllocCheck } from './conformance/edge';
export {
  createTestPhys,
  type RkAllocCapabilities,
  type RkAllocFactory,
  type RkAllocTestEnv,
} from './conformance/env';
export { libraryChecks, stubPlat, stubRegistry } from './conformance/library';

/** Every check of the kit as plain functions (run them yourself, e.g. to prove the kit catches a broken allocator). */
export function rkAllocChecks(
  make: RkAllocFactory,
  caps: RkAllocCapabilities = {},
): RkAllocCheck[] {
  const reclaims = caps.freeReclaims ?? true;
  const runs = caps.numRuns ?? 100;
  return [
    {
      name: 'random operation sequences keep blocks disjoint, in the regions, aligned, intact; no leak',
      run: () => checkSequences(make, false, runs, reclaims),
    },
    ...edgeChecks(make, reclaims),
    ...misuseChecks(make, reclaims),
    {
      name: 'hardened: random operation sequences pass with canaries, poisoning and quarantine on',
      run: () =>
        checkSequences(
          make,
          { seed: 7, randomize: true, quarantine: 4 },
          Math.max(10, runs >> 2),
          reclaims,
        ),
    },
    ...hardenedChecks(make),
  ];
}

/** Registers the kit's tests for allocator `name` in the current vitest file. */
export function describeRkAlloc(
  name: string,
  make: RkAllocFactory,
  caps: RkAllocCapabilities = {},
): void {
  describe(`rkalloc conformance: ${name}`, () => {
    for (const c of rkAllocChecks(make, caps)) it(c.name, () => c.run());
  });
}

/** Registers the library-descriptor checks (boot wiring) for an allocator package's `library`. */
export function describeRkAllocLibrary(lib: RkLibrary<any>): void {
  describe(`rkalloc library: ${lib.name}`, () => {
    for (const c of libraryChecks(lib)) it(c.name, () => c.run());
  });
}
