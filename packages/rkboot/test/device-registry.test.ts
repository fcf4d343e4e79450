// The device registry rknetdev and rkblkdev share: dense ids, one instance per API registry, and a
// precise error when a provider of another kind already holds the API.
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { RkDeviceRegistry, sharedDeviceRegistry } from '../src/device-registry';
import { RkRegistryError } from '../src/registry';

class Things extends RkDeviceRegistry<{ id: number; name: string }> {
  register(name: string) {
    return this.add((id) => ({ id, name }));
  }
}

/** The two registry methods drivers use, over a map (createRegistry's are typed by the API table). */
function miniRegistry() {
  const m = new Map<string, unknown>();
  return {
    tryGet: (api: string) => m.get(api),
    provide: (api: string, impl: unknown) => {
      if (m.has(api)) throw new Error(`${api} provided twice`);
      m.set(api, impl);
    },
  };
}

describe('RkDeviceRegistry / sharedDeviceRegistry', () => {
  it('ids are dense from 0 in registration order', () => {
    const t = new Things();
    expect([t.register('a'), t.register('b')]).toEqual([
      { id: 0, name: 'a' },
      { id: 1, name: 'b' },
    ]);
    expect([t.count(), t.get(1)?.name, t.get(2), t.all().map((d) => d.name)]).toEqual([
      2,
      'b',
      undefined,
      ['a', 'b'],
    ]);
  });

  it('two drivers reach the same instance through the API registry', () => {
    const reg = miniRegistry();
    const a = sharedDeviceRegistry(reg, 'rktestdev', Things);
    a.register('x');
    const b = sharedDeviceRegistry(reg, 'rktestdev', Things);
    expect(b).toBe(a);
    expect(b.count()).toBe(1);
  });

  it('a provider of another kind under the API is an RkRegistryError naming both', () => {
    const reg = miniRegistry();
    reg.provide('rktestdev', { count: () => 0 });
    expect(() => sharedDeviceRegistry(reg, 'rktestdev', Things)).toThrow(
      new RkRegistryError(
        Errno.EEXIST,
        'rktestdev: the registry holds a provider that is not a Things; drivers cannot register into it',
      ),
    );
  });
});
