// Driver initialisation cost per device: host time of the virtio-mmio probe (reset, negotiation, ring
// allocation, queue setup, DRIVER_OK; for net also configure + RX refill) for one virtio-net, one virtio-blk, one virtio-rng.
import { MemoryBlockBackend } from '../../../../platforms/qemu-riscv/src/machine/backends/blk/memory';
import { NetHub } from '../../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { VirtioBlk } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { VirtioNet } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { VirtioRng } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/rng';
import { rig, startNic } from './rig';

export interface InitRow {
  readonly device: string;
  readonly legacy: boolean;
  readonly medianUs: number;
}

export function initBench(runs = 200): InitRow[] {
  const makers: [
    string,
    () => import('../../../../platforms/qemu-riscv/src/machine/virtio/devices/model').VirtioDeviceModel,
  ][] = [
    ['virtio-net', () => new VirtioNet(new NetHub().port('x'))],
    ['virtio-blk', () => new VirtioBlk(new MemoryBlockBackend('d', 1 << 20))],
    ['virtio-rng', () => new VirtioRng()],
  ];
  const rows: InitRow[] = [];
  for (const legacy of [false, true])
    for (const [device, make] of makers) {
      const t: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = rig([make()], legacy);
        if (device === 'virtio-net') startNic(r, 256); // queues + RX refill + DRIVER_OK happen at start
        t.push((performance.now() - t0) * 1000);
      }
      t.sort((a, b) => a - b);
      rows.push({ device, legacy, medianUs: t[Math.floor(t.length / 2)] });
    }
  return rows;
}
