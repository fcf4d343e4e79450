// The netdev registry (uk_netdev_drv_register / uk_netdev_count / uk_netdev_get) on rkboot's shared
// device registry.
import { RkDeviceRegistry, sharedDeviceRegistry } from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkNetdev, RkNetdevRegistry } from './api';
import type { RkNetdevDriverHandle, RkNetdevOps } from './driver';
import { RkNetdevFront } from './netdev';

export class RkNetdevRegistryImpl
  extends RkDeviceRegistry<RkNetdevFront>
  implements RkNetdevRegistry
{
  /** Registers a driver instance; ids are dense from 0 in registration order. */
  register(
    name: string,
    phys: RkPhysMem,
    ops: RkNetdevOps,
  ): { dev: RkNetdev; handle: RkNetdevDriverHandle } {
    const dev = this.add((id) => new RkNetdevFront(id, name, phys, ops));
    return { dev, handle: dev };
  }
}

/**
 * The registry in `registry` (creating and providing it on first use), so that drivers of several
 * packages register into one list whatever their init order.
 * @throws RkRegistryError when another kind of rknetdev provider is composed.
 */
export function netdevRegistry(registry: {
  tryGet(api: 'rknetdev'): RkNetdevRegistry | undefined;
  provide(api: 'rknetdev', impl: RkNetdevRegistry): void;
}): RkNetdevRegistryImpl {
  return sharedDeviceRegistry(registry, 'rknetdev', RkNetdevRegistryImpl);
}
