// A device class's registry, written once for rknetdev and rkblkdev (Unikraft's uk_netdev / uk_blkdev
// device lists): dense ids from 0 in registration order, one shared instance per image.
import { Errno } from '@runikraft/errno';
import { RkRegistryError } from './registry';

/** The devices of one class, ids dense from 0 in registration order (uk_*_count / uk_*_get). */
export class RkDeviceRegistry<D> {
  private readonly devs: D[] = [];

  /** Devices registered so far. */
  count(): number {
    return this.devs.length;
  }
  /** The device with `id`. @returns it, or undefined for an id never registered. */
  get(id: number): D | undefined {
    return this.devs[id];
  }
  /** Every device, in id order. */
  all(): readonly D[] {
    return this.devs;
  }
  /** Appends the device `make` builds for the next id. @returns that device. */
  protected add<E extends D>(make: (id: number) => E): E {
    const dev = make(this.devs.length);
    this.devs.push(dev);
    return dev;
  }
}

/**
 * The provider of `api` in `registry` when it is a `cls`, else a new `cls` provided under `api` — so
 * drivers of several packages register into one list whatever their init order.
 * @returns the shared registry.
 * @throws RkRegistryError (EEXIST) when a provider of another kind already holds `api`.
 */
export function sharedDeviceRegistry<K extends string, C>(
  registry: { tryGet(api: K): unknown; provide(api: K, impl: NoInfer<C>): void },
  api: K,
  cls: new () => C,
): C {
  const existing = registry.tryGet(api);
  if (existing instanceof cls) return existing;
  if (existing !== undefined)
    throw new RkRegistryError(
      Errno.EEXIST,
      `${api}: the registry holds a provider that is not a ${cls.name}; drivers cannot register into it`,
    );
  const r = new cls();
  registry.provide(api, r);
  return r;
}
