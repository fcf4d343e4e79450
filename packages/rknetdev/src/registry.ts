// The netdev registry (uk_netdev_drv_register / uk_netdev_count / uk_netdev_get).
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkNetdev, RkNetdevRegistry } from './api';
import type { RkNetdevDriverHandle, RkNetdevOps } from './driver';
import { RkNetdevFront } from './netdev';

export class RkNetdevRegistryImpl implements RkNetdevRegistry {
  private readonly devs: RkNetdevFront[] = [];

  count(): number {
    return this.devs.length;
  }
  get(id: number): RkNetdev | undefined {
    return this.devs[id];
  }
  all(): readonly RkNetdev[] {
    return this.devs;
  }

  /** Registers a driver instance; ids are dense from 0 in registration order. */
  register(
    name: string,
    phys: RkPhysMem,
    ops: RkNetdevOps,
  ): { dev: RkNetdev; handle: RkNetdevDriverHandle } {
    const dev = new RkNetdevFront(this.devs.length, name, phys, ops);
    this.devs.push(dev);
    return { dev, handle: dev };
  }
}

/**
 * The registry in `registry` (creating and providing it on first use), so that drivers of several
 * packages register into one list whatever their init order.
 */
export function netdevRegistry(registry: {
  tryGet(api: 'rknetdev'): RkNetdevRegistry | undefined;
  provide(api: 'rknetdev', impl: RkNetdevRegistry): void;
}): RkNetdevRegistryImpl {
  const existing = registry.tryGet('rknetdev');
  if (existing instanceof RkNetdevRegistryImpl) return existing;
  if (existing) throw new Error('rknetdev: the registry holds a foreign rknetdev provider');
  const r = new RkNetdevRegistryImpl();
  registry.provide('rknetdev', r);
  return r;
}
