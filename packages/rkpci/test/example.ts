// The README's usage example, verbatim between the markers (imports as a package user writes them
// resolve to this package's sources in tests).
import { Errno } from '@runikraft/errno';
import type { RkRegistry } from '@runikraft/rkboot';
import type { RkPlat } from '@runikraft/rkplat';
import { pciBus, type RkPciDriver } from '../src/driver';

// ---- README example begins ----
/** Binds Intel 82540EM NICs (8086:100e) and, by class, any other Ethernet controller. */
export function registerMyNic(registry: RkRegistry, plat: RkPlat, onIrq: () => boolean): number {
  const drv: RkPciDriver = {
    name: 'my-nic',
    ids: [{ vendorId: 0x8086, deviceId: 0x100e }, { classCode: 0x020000 }],
    addDev(dev) {
      const bar0 = dev.bars[0]; // assigned; decoding and bus mastering are already on
      if (!bar0 || bar0.cpuAddr < 0 || dev.irq < 0) return -Errno.ENODEV;
      plat.devices.write(bar0.cpuAddr + 0x10, 4, 1); // the device's own registers
      return plat.irq.register(dev.irq, onIrq);
    },
  };
  return pciBus(registry).registerDriver(drv); // before or after rkpci enumerates: both work
}
// ---- README example ends ----
