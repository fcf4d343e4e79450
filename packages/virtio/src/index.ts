// @runikraft/virtio: virtio-mmio bus, split-virtqueue driver, and the net/blk/rng drivers.
import type {} from '@runikraft/rkalloc';
import { defineLibrary } from '@runikraft/rkboot';
import type {} from '@runikraft/rksched';
import { probeVirtioMmio } from './bus';

export { VirtioBlkDriver } from './blk';
export { probeVirtioMmio, type VirtioBusDevice, type VirtioBusOptions } from './bus';
export { VirtioNetDriver } from './net';
export { readMountTag, VIRTIO_9P_MAX_MSIZE, VirtioP9Driver, VirtioP9Transport } from './p9';
export * as regs from './regs';
export { VirtioRngDriver } from './rng';
export { VirtioMmio } from './transport';
export { Vring, type VringSeg, vringBytes } from './vring';

/**
 * At `plat` level (after the allocator): probes the virtio-mmio slots, registers NICs with rknetdev,
 * disks with rkblkdev, and the first virtio-rng as the `rkentropy` source for rkswrand.
 */
export const library = defineLibrary({
  name: 'virtio',
  version: '0.1.0',
  requires: ['rkplat', 'rkalloc'],
  provides: ['rkentropy'],
  initLevel: 'plat',
  init({ registry, plat }) {
    const alloc = registry.get('rkalloc');
    const devs = probeVirtioMmio({
      plat,
      registry,
      dma: alloc.forPurpose('dma'),
      sched: () => registry.tryGet('rksched'),
    });
    const rng = devs.find((d) => d.rng)?.rng;
    if (rng && !registry.has('rkentropy')) registry.provide('rkentropy', rng);
    for (const d of devs) {
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
        `virtio-mmio@${d.base.toString(16)}: ${kind} v${d.version}${d.error ? ` (${d.error})` : ''}\n`,
      );
    }
  },
});
