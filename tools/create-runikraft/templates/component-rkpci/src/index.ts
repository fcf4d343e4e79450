// __NAME__: a PCI host bridge for rkpci. `library` is what rk's generated entry imports from every
// chosen component; `hostBridgeFromNode` and `ConfigAccess` are the bridge (the conformance kit
// checks one built on the machine model).
import { Fdt } from '@runikraft/fdt';
import { defineLibrary } from '@runikraft/rkboot';
import { pciBus } from '@runikraft/rkpci/driver';
import { hostBridgeFromNode } from './host-bridge';

export { ConfigAccess, hostBridgeFromNode, type Mmio } from './host-bridge';

/**
 * The library descriptor: at the `early` init level (before rkpci scans the device tree at `plat`)
 * it builds a host bridge for every node compatible with `__LIB__.compatible` and attaches it to the
 * image's PCI bus, which enumerates it at once; rkpci then skips those nodes, and PCI drivers (such
 * as virtio's) bind the functions found whenever they register.
 */
export const library = defineLibrary({
  name: '__LIB__',
  version: '0.1.0',
  provides: ['__LIB__'],
  requires: ['rkplat'],
  initLevel: 'early',
  params: {
    compatible: {
      type: 'string',
      default: 'pci-host-ecam-generic',
      doc: "the controller nodes' compatible string",
    },
  },
  init({ registry, plat, params }) {
    const fdt = Fdt.open(plat.bootinfo.dtb);
    const bus = pciBus(registry);
    for (const node of fdt.findByCompatible(params.compatible)) {
      let hb: ReturnType<typeof hostBridgeFromNode>;
      try {
        hb = hostBridgeFromNode(fdt, node, plat.devices, bus.hostBridges().length);
      } catch (e) {
        plat.console.out(`__LIB__: ${node.path} not used: ${(e as Error).message}\n`);
        continue;
      }
      bus.addHostBridge(hb, undefined, (fns) =>
        plat.console.out(
          `__LIB__: ${hb.name}: domain ${hb.domain}, buses ${hb.busStart}-${hb.busEnd}, ${fns.length} functions\n`,
        ),
      );
    }
  },
});
