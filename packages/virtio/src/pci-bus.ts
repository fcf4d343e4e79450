// virtio over PCI (Linux virtio_pci_common.c probe): an rkpci driver for vendor 0x1af4 that picks the
// modern transport when the device offers its capabilities, the legacy one (BAR0 I/O) otherwise, and
// binds the same drivers as virtio-mmio through bindVirtio.
import { Errno } from '@runikraft/errno';
import type { RkPciDevice, RkPciDriver } from '@runikraft/rkpci/driver';
import { bindVirtio, type VirtioBusDevice, type VirtioBusOptions } from './bus';
import { VirtioPciLegacy } from './pci-legacy';
import { findModernCaps, VirtioPciModern } from './pci-modern';
import * as P from './pci-regs';
import type { VirtioTransport } from './virtio-dev';

/** The virtio device type of a PCI function, or -1 outside virtio's ID ranges. */
export function virtioPciType(dev: RkPciDevice): number {
  if (dev.vendorId !== P.VIRTIO_PCI_VENDOR_ID) return -1;
  const id = dev.deviceId;
  if (id >= P.VIRTIO_PCI_DEVICE_ID_MODERN_BASE && id <= P.VIRTIO_PCI_DEVICE_ID_LAST)
    return id - P.VIRTIO_PCI_DEVICE_ID_MODERN_BASE;
  // transitional: "the PCI Subsystem Device ID matching the Virtio Device ID" (§4.1.2.3)
  if (id >= P.VIRTIO_PCI_DEVICE_ID_TRANS_FIRST && id <= P.VIRTIO_PCI_DEVICE_ID_TRANS_LAST)
    return dev.subsystemId || (P.VIRTIO_PCI_TRANSITIONAL_TYPES[id] ?? -1);
  return -1;
}

/** Builds the transport of `dev`. @returns it, or a sentence saying why there is none. */
export function virtioPciTransport(
  o: VirtioBusOptions,
  dev: RkPciDevice,
): VirtioTransport | string {
  const type = virtioPciType(dev);
  if (type <= 0)
    return `not a virtio device (${dev.vendorId.toString(16)}:${dev.deviceId.toString(16)})`;
  const caps = findModernCaps(dev);
  if (typeof caps === 'string') return caps;
  if (caps) return new VirtioPciModern(o.plat.devices, dev, caps, type);
  const bar0 = dev.bars[0];
  const transitional = dev.deviceId <= P.VIRTIO_PCI_DEVICE_ID_TRANS_LAST;
  if (!transitional || !bar0 || bar0.space !== 'io' || bar0.cpuAddr < 0)
    return 'neither modern capabilities nor a legacy I/O BAR0';
  return new VirtioPciLegacy(o.plat.devices, dev, bar0.cpuAddr, bar0.size, type);
}

/** Probes one PCI function: transport, then the same binding as virtio-mmio. */
export function probeVirtioPci(o: VirtioBusOptions, dev: RkPciDevice): VirtioBusDevice {
  const t0 = o.plat.time.monotonicNs();
  const t = virtioPciTransport(o, dev);
  const head = { transport: 'pci' as const, location: dev.name, irq: dev.irq };
  if (typeof t === 'string')
    return {
      ...head,
      base: -1,
      deviceId: virtioPciType(dev),
      version: 0,
      features: 0n,
      error: t,
      initNs: 0,
    };
  const base =
    t instanceof VirtioPciLegacy ? dev.bars[0]!.cpuAddr : (t as VirtioPciModern).commonAddr;
  const r =
    dev.irq < 0
      ? { features: 0n, error: `${dev.name}: INTx pin ${dev.pin} routes to no interrupt line` }
      : bindVirtio(o, t);
  return {
    ...head,
    base,
    deviceId: t.deviceId,
    version: t.legacy ? 1 : 2,
    initNs: o.plat.time.monotonicNs() - t0,
    ...r,
  };
}

/**
 * The rkpci driver for virtio devices: every function of vendor 0x1af4 is probed; one that cannot be
 * bound is refused (-ENODEV) and left disabled. `bound` sees every probe's entry, bound or not.
 */
export function virtioPciDriver(
  o: VirtioBusOptions,
  bound: (d: VirtioBusDevice) => void = () => {},
): RkPciDriver {
  return {
    name: 'virtio-pci',
    ids: [{ vendorId: P.VIRTIO_PCI_VENDOR_ID }],
    addDev(dev) {
      if (virtioPciType(dev) < 0) return -Errno.ENODEV;
      const d = probeVirtioPci(o, dev);
      bound(d);
      return d.error ? -Errno.ENODEV : 0;
    },
  };
}
