// Kit part for a policy package's library descriptor: what rkboot composes must provide a working rksched.
import type { RkLibrary } from '@runikraft/rkboot';
import { createRegistry } from '@runikraft/rkboot';
import { describe, expect, it } from 'vitest';
import { getSched } from './registry';
import { createSimPlat } from './sim';

/** Checks `library` provides rksched at init level plat and, initialised with its defaults, runs main. */
export function describeRkSchedLibrary(library: RkLibrary<any>, policy: string): void {
  describe(`${library.name} library descriptor`, () => {
    it('provides rksched at init level plat with its parameter defaults, and registers a working scheduler', async () => {
      expect(library.provides).toEqual(['rksched']);
      expect(library.requires).toEqual(['rkplat']);
      expect(library.initLevel).toBe('plat');
      const plat = createSimPlat();
      const registry = createRegistry();
      const params = Object.fromEntries(
        Object.entries(library.params ?? {}).map(([k, v]) => [
          k,
          (v as { default: unknown }).default,
        ]),
      );
      await library.init?.({ registry, plat, params: params as never, library });
      const sched = getSched(registry);
      expect(sched.policy).toBe(policy);
      expect(await sched.runMain(async () => (await sched.sleep(1000)) + 3)).toBe(3);
    });
  });
}
