// @runikraft/rknetdev: the network device API (uknetdev) — registry, netbufs, front end.
import { defineLibrary } from '@runikraft/rkboot';
import { netdevRegistry } from './registry';

export * from './api';
export {
  netbufChainLen,
  netbufData,
  netbufPrepend,
  netbufRead,
  netbufWrite,
  RkNetbufPool,
} from './netbuf';
export type { RkNetdevFront } from './netdev';
export { netdevRegistry, RkNetdevRegistryImpl } from './registry';

/** Provides the (initially empty) `rknetdev` registry at `early` level; drivers register later. */
export const library = defineLibrary({
  name: 'rknetdev',
  version: '0.1.0',
  provides: ['rknetdev'],
  initLevel: 'early',
  init({ registry }) {
    netdevRegistry(registry);
  },
});
