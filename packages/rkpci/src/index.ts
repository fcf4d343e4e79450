// @runikraft/rkpci: the PCI bus — ECAM host bridges from the device tree, enumeration, BAR
// assignment, INTx routing, and the driver registry.
import { Fdt } from '@runikraft/fdt';
import { defineLibrary } from '@runikraft/rkboot';
import { pciBus } from './bus';
import { hostBridgesFromDt } from './host-bridge';

export * from './api';
export { pciBus, pciMatch, RkPciBusImpl } from './bus';
export { type PciFunction, pciName } from './device';
export { cfgAccessValid, EcamConfigAccess } from './ecam';
export { enumerateHostBridge } from './enumerate';
export {
  hostBridgesFromDt,
  intxRouter,
  parseRanges,
  type RkPciHostBridgeError,
} from './host-bridge';
export * as pciRegs from './regs';

const hex = (v: number, n: number) => v.toString(16).padStart(n, '0');

/**
 * At `plat` level: enumerates every `pci-host-ecam-generic` bridge of the device tree, assigns BARs,
 * and binds the drivers registered so far (later ones bind as they register). A node for which a
 * host bridge of the same name (its device-tree path) is already attached is left to that bridge.
 * Prints one line per function, as Linux's "pci 0000:00:01.0: [1af4:1000] type 00 class 0x020000",
 * after a summary line per host bridge with the enumeration's cost — before drivers bind (and print
 * their own lines).
 */
export const library = defineLibrary({
  name: 'rkpci',
  version: '0.1.0',
  requires: ['rkplat'],
  provides: ['rkpci'],
  initLevel: 'plat',
  init({ registry, plat }) {
    const bus = pciBus(registry);
    const { bridges, errors } = hostBridgesFromDt(Fdt.open(plat.bootinfo.dtb), plat.devices);
    for (const e of errors) plat.console.out(`pci: ${e.path} not used: ${e.error}\n`);
    // A node another library already attached a host bridge for (named by its path, at an earlier
    // init level) is that bridge's: a third party's driver for the controller replaces ours.
    const attached = new Set(bus.hostBridges().map((hb) => hb.name));
    for (const hb of bridges)
      if (!attached.has(hb.name))
        bus.addHostBridge(
          hb,
          () => plat.time.monotonicNs(),
          (fns, st) => {
            plat.console.out(
              `pci: ${hb.name}: ${st.functions} functions enumerated in ${Math.round(st.enumNs / 1000)} us (${st.configReads} config reads, ${st.configWrites} writes)\n`,
            );
            for (const f of fns)
              plat.console.out(
                `pci ${f.name}: [${hex(f.vendorId, 4)}:${hex(f.deviceId, 4)}] type ${hex(f.headerType, 2)} class 0x${hex(f.classCode, 6)}${f.irq >= 0 ? ` irq ${f.irq}` : ''}${f.error ? ` (${f.error})` : ''}\n`,
              );
          },
        );
  },
});
