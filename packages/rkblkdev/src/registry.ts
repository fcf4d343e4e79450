// The blkdev registry (uk_blkdev_drv_register / uk_blkdev_count / uk_blkdev_get) on rkboot's shared
// device registry.
import { RkDeviceRegistry, sharedDeviceRegistry } from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkBlkdev, RkBlkdevRegistry } from './api';
import { RkBlkdevFront } from './blkdev';
import type { RkBlkdevDriverHandle, RkBlkdevOps } from './driver';

export class RkBlkdevRegistryImpl
  extends RkDeviceRegistry<RkBlkdevFront>
  implements RkBlkdevRegistry
{
  /** Registers a driver instance; ids are dense from 0 in registration order. */
  register(
    name: string,
    phys: RkPhysMem,
    ops: RkBlkdevOps,
  ): { dev: RkBlkdev; handle: RkBlkdevDriverHandle } {
    const dev = this.add((id) => new RkBlkdevFront(id, name, phys, ops));
    return { dev, handle: dev };
  }
}

/**
 * The shared registry in `registry`, created and provided on first use.
 * @throws RkRegistryError when another kind of rkblkdev provider is composed.
 */
export function blkdevRegistry(registry: {
  tryGet(api: 'rkblkdev'): RkBlkdevRegistry | undefined;
  provide(api: 'rkblkdev', impl: RkBlkdevRegistry): void;
}): RkBlkdevRegistryImpl {
  return sharedDeviceRegistry(registry, 'rkblkdev', RkBlkdevRegistryImpl);
}
