// __NAME__: an rknetdev driver. `library` is what rk's generated entry imports from every chosen
// component; `WireNetdev` is the driver (the conformance kit puts its own peer on the wire).
import { defineLibrary } from '@runikraft/rkboot';
import { netdevRegistry } from '@runikraft/rknetdev/driver';
import { WireNetdev } from './wire-netdev';

export { WireNetdev } from './wire-netdev';

/**
 * The library descriptor: at the `plat` init level it registers one device, `__LIB__0`, whose wire
 * loops back to itself, with rknetdev, where apps and rknet find it.
 */
export const library = defineLibrary({
  name: '__LIB__',
  version: '0.1.0',
  provides: ['__LIB__'],
  requires: ['rknetdev', 'rkplat'],
  initLevel: 'plat',
  init({ registry, plat }) {
    const mac = Uint8Array.of(0x02, 0x52, 0x4b, 0, 0, 1); // locally administered
    const drv: WireNetdev = new WireNetdev(plat.memory.phys, mac, (frame) => drv.deliver(frame));
    const { handle } = netdevRegistry(registry).register('__LIB__0', plat.memory.phys, drv);
    drv.attach(handle);
  },
});
