// @runikraft/virtio: virtio-mmio and virtio-pci transports, split-virtqueue driver, and the
// net/blk/rng/9p drivers.
import type {} from '@runikraft/rkalloc';
import { defineLibrary } from '@runikraft/rkboot';
import { pciBus } from '@runikraft/rkpci/driver';
import type { RkPlat } from '@runikraft/rkplat';
import type {} from '@runikraft/rksched';
import { probeVirtioMmio, type VirtioBusDevice, type VirtioBusOptions } from './bus';
import { virtioPciDriver } from './pci-bus';

export { VirtioBlkDriver } from './blk';
export {
  bindVirtio,
  probeVirtioMmio,
  type VirtioBinding,
  type VirtioBusDevice,
  type VirtioBusOptions,
} from './bus';
export type { DmaAllocator } from './dma';
export { type RingFactory, VirtioNetDriver } from './net';
export { readMountTag, VIRTIO_9P_MAX_MSIZE, VirtioP9Driver, VirtioP9Transport } from './p9';
export { probeVirtioPci, virtioPciDriver, virtioPciTransport, virtioPciType } from './pci-bus';
export { VirtioPciLegacy } from './pci-legacy';
export {
  findModernCaps,
  VirtioPciModern,
  type VirtioPciModernCaps,
  type VirtioPciRegion,
} from './pci-modern';
export * as pciRegs from './pci-regs';
export * as regs from './regs';
export { VirtioRngDriver } from './rng';
export { VirtioMmio } from './transport';
export type { VirtioTransport } from './virtio-dev';
export { Vring, type VringSeg, vringBytes } from './vring';
export { DriverWaiter, type RkSchedLike } from './waiter';

/** One console line per device: "virtio-mmio@10008000: blk v2", "virtio-pci@0000:00:01.0: net v1". */
function report(plat: RkPlat, d: VirtioBusDevice): void {
  const kind = d.netdev
    ? 'net'
    : d.blkdev
      ? 'blk'
      : d.rng
        ? 'rng'
        : d.p9
          ? `9p '${d.p9.tag}'`
          : `id ${d.deviceId}`;
  plat.console.out(
    `virtio-${d.transport}@${d.location}: ${kind} v${d.version}${d.error ? ` (${d.error})` : ''}\n`,
  );
}

/**
 * At `plat` level (after the allocator): probes the virtio-mmio slots and registers the virtio-pci
 * driver with rkpci (bound when rkpci enumerates, whichever initialises first); registers NICs with
 * rknetdev, disks with rkblkdev, 9P shares with rk9p, and the first virtio-rng as `rkentropy`.
 */
export const library = defineLibrary({
  name: 'virtio',
  version: '0.1.0',
  requires: ['rkplat', 'rkalloc'],
  provides: ['rkentropy'],
  initLevel: 'plat',
  init({ registry, plat }) {
    const alloc = registry.get('rkalloc');
    const o: VirtioBusOptions = {
      plat,
      registry,
      dma: alloc.forPurpose('dma'),
      sched: () => registry.tryGet('rksched'),
    };
    const entropy = (d: VirtioBusDevice) => {
      if (d.rng && !registry.has('rkentropy')) registry.provide('rkentropy', d.rng);
    };
    for (const d of probeVirtioMmio(o)) {
      entropy(d);
      report(plat, d);
    }
    pciBus(registry).registerDriver(
      virtioPciDriver(o, (d) => {
        entropy(d);
        report(plat, d);
      }),
    );
  },
});
