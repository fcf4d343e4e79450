// The PCI bus (Unikraft plat/common/pci_bus.c on lib/ukbus): host bridges enumerated once, drivers
// matched by vendor/device/class/subsystem and offered every unbound function, whatever the order in
// which bridges and drivers arrive.
import { Errno } from '@runikraft/errno';
import { sharedDeviceRegistry } from '@runikraft/rkboot';
import type {
  RkPciBus,
  RkPciDevice,
  RkPciDeviceId,
  RkPciDriver,
  RkPciEnumStats,
  RkPciHostBridge,
} from './api';
import type { PciFunction } from './device';
import { enumerateHostBridge } from './enumerate';
import {
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
} from './regs';

/** True when `dev` matches `id` (struct pci_device_id; absent fields match anything). */
export function pciMatch(id: RkPciDeviceId, dev: RkPciDevice): boolean {
  const eq = (want: number | undefined, have: number) => want === undefined || want === have;
  const mask = id.classMask ?? 0xffffff;
  return (
    eq(id.vendorId, dev.vendorId) &&
    eq(id.deviceId, dev.deviceId) &&
    eq(id.subsystemVendorId, dev.subsystemVendorId) &&
    eq(id.subsystemId, dev.subsystemId) &&
    (id.classCode === undefined || ((id.classCode ^ dev.classCode) & mask) === 0)
  );
}

export class RkPciBusImpl implements RkPciBus {
  private readonly bridges: RkPciHostBridge[] = [];
  private readonly fns: PciFunction[] = [];
  private readonly drivers: RkPciDriver[] = [];
  private readonly st: RkPciEnumStats[] = [];

  hostBridges(): readonly RkPciHostBridge[] {
    return this.bridges;
  }
  devices(): readonly RkPciDevice[] {
    return this.fns;
  }
  stats(): readonly RkPciEnumStats[] {
    return this.st;
  }

  /**
   * Enumerates `hb` and offers its functions to the registered drivers. `now` (guest ns) times it;
   * `enumerated` runs between enumeration and binding (e.g. to log what was found first).
   * @returns the functions found behind it.
   */
  addHostBridge(
    hb: RkPciHostBridge,
    now?: () => number,
    enumerated?: (functions: readonly RkPciDevice[], stats: RkPciEnumStats) => void,
  ): readonly RkPciDevice[] {
    const { functions, stats } = enumerateHostBridge(hb, now);
    this.bridges.push(hb);
    this.st.push(stats);
    this.fns.push(...functions);
    enumerated?.(functions, stats);
    for (const f of functions) for (const d of this.drivers) if (this.offer(d, f)) break;
    return functions;
  }

  registerDriver(drv: RkPciDriver): number {
    if (this.drivers.some((d) => d.name === drv.name)) return -Errno.EEXIST;
    this.drivers.push(drv);
    for (const f of this.fns) this.offer(drv, f);
    return 0;
  }

  /** Binds `drv` to `f` if it matches: decoding and bus mastering on first, off again if it refuses. */
  private offer(drv: RkPciDriver, f: PciFunction): boolean {
    if (f.driver !== undefined || f.error !== undefined) return false;
    if (!drv.ids.some((id) => pciMatch(id, f))) return false;
    const before = f.configRead(PCI_COMMAND, 2);
    const io = f.bars.some((b) => b && b.space === 'io' && b.pciAddr >= 0);
    const mem = f.bars.some((b) => b && b.space !== 'io' && b.pciAddr >= 0);
    const on = (io ? PCI_COMMAND_IO : 0) | (mem ? PCI_COMMAND_MEMORY : 0) | PCI_COMMAND_MASTER;
    f.configWrite(PCI_COMMAND, 2, (before | on) & ~PCI_COMMAND_INTX_DISABLE);
    if (drv.addDev(f) < 0) {
      f.configWrite(PCI_COMMAND, 2, before);
      return false;
    }
    f.driver = drv.name;
    return true;
  }
}

/**
 * The bus in `registry` (created and provided on first use), so drivers can register before or after
 * the rkpci library enumerates. @throws RkRegistryError when another kind of rkpci provider is composed.
 */
export function pciBus(registry: {
  tryGet(api: 'rkpci'): RkPciBus | undefined;
  provide(api: 'rkpci', impl: RkPciBus): void;
}): RkPciBusImpl {
  return sharedDeviceRegistry(registry, 'rkpci', RkPciBusImpl);
}
