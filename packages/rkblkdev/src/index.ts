// @runikraft/rkblkdev: the block device API (ukblkdev) — registry, requests, sync helpers.
import { defineLibrary } from '@runikraft/rkboot';
import { blkdevRegistry } from './registry';

export * from './api';
export type { RkBlkdevFront } from './blkdev';
export { blkdevRegistry, RkBlkdevRegistryImpl } from './registry';

/** Provides the (initially empty) `rkblkdev` registry at `early` level; drivers register later. */
export const library = defineLibrary({
  name: 'rkblkdev',
  version: '0.1.0',
  provides: ['rkblkdev'],
  initLevel: 'early',
  init({ registry }) {
    blkdevRegistry(registry);
  },
});
