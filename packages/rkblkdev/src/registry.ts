// The blkdev registry (uk_blkdev_drv_register / uk_blkdev_count / uk_blkdev_get).
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkBlkdev, RkBlkdevRegistry } from './api';
import { RkBlkdevFront } from './blkdev';
import type { RkBlkdevDriverHandle, RkBlkdevOps } from './driver';

export class RkBlkdevRegistryImpl implements RkBlkdevRegistry {
  private readonly devs: RkBlkdevFront[] = [];
  count(): number {
    return this.devs.length;
  }
  get(id: number): RkBlkdev | undefined {
    return this.devs[id];
  }
  all(): readonly RkBlkdev[] {
    return this.devs;
  }
  /** Registers a driver instance; ids are dense from 0 in registration order. */
  register(
    name: string,
    phys: RkPhysMem,
    ops: RkBlkdevOps,
  ): { dev: RkBlkdev; handle: RkBlkdevDriverHandle } {
    const dev = new RkBlkdevFront(this.devs.length, name, phys, ops);
    this.devs.push(dev);
    return { dev, handle: dev };
  }
}

/** The shared registry in `registry`, created and provided on first use. */
export function blkdevRegistry(registry: {
  tryGet(api: 'rkblkdev'): RkBlkdevRegistry | undefined;
  provide(api: 'rkblkdev', impl: RkBlkdevRegistry): void;
}): RkBlkdevRegistryImpl {
  const existing = registry.tryGet('rkblkdev');
  if (existing instanceof RkBlkdevRegistryImpl) return existing;
  if (existing) throw new Error('rkblkdev: the registry holds a foreign rkblkdev provider');
  const r = new RkBlkdevRegistryImpl();
  registry.provide('rkblkdev', r);
  return r;
}
