import { createRegistry } from '@runikraft/rkboot';
import { getSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { describe, expect, it } from 'vitest';
import { library } from '../src/index';

describe('rksched-mlq library descriptor', () => {
  it('provides rksched at init level plat with its parameter defaults, and registers a working scheduler', async () => {
    expect(library.name).toBe('rksched-mlq');
    expect(library.provides).toEqual(['rksched']);
    expect(library.requires).toEqual(['rkplat']);
    expect(library.initLevel).toBe('plat');
    const plat = createSimPlat();
    const registry = createRegistry();
    const params = Object.fromEntries(
      Object.entries(library.params ?? {}).map(([k, v]) => [k, v.default]),
    );
    await library.init?.({ registry, plat, params: params as never, library });
    const sched = getSched(registry);
    expect(sched.policy).toBe('mlq');
    expect(await sched.runMain(async () => (await sched.sleep(1000)) + 3)).toBe(3);
  });
});
