// virtio-pci, kernel side, against a test-only PCI function that forwards to the machine's device
// models (pci-harness.ts): rkpci enumerates and binds, the modern and legacy transports carry the
// unchanged net/blk/rng drivers (rkblkdev and rknetdev kits), INTx shared between functions.
import { Errno } from '@runikraft/errno';
import { describeRkBlkdev } from '@runikraft/rkblkdev/conformance';
import { RkNetbufPool } from '@runikraft/rknetdev';
import { describeRkNetdev } from '@runikraft/rknetdev/conformance';
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../../platforms/qemu-riscv/src/machine/backends/blk/memory';
import { NetHub } from '../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { counterRng } from '../../../platforms/qemu-riscv/src/machine/backends/rng/backend';
import { VirtioBlk } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { VirtioRng } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/rng';
import type { VirtioBusDevice } from '../src/bus';
import { virtioPciDriver } from '../src/pci-bus';
import { LEGACY_QUEUE_SIZE, pciHarness } from './pci-harness';

function boot(devs: Parameters<typeof pciHarness>[0]) {
  const h = pciHarness(devs);
  const bound: VirtioBusDevice[] = [];
  h.bus.registerDriver(
    virtioPciDriver({ plat: h.plat, dma: h.dma, registry: h.registry as never }, (d) =>
      bound.push(d),
    ),
  );
  h.attach();
  return { h, bound };
}

for (const legacy of [false, true]) {
  const mode = legacy ? 'legacy' : 'modern';

  describeRkBlkdev(`virtio-blk-pci (${mode})`, () => {
    const backend = new MemoryBlockBackend('d0', 1 << 20);
    const { h, bound } = boot([{ model: new VirtioBlk(backend), legacy, slot: 1 }]);
    return {
      dev: bound[0]!.blkdev!,
      bufPa: h.dma.memalign(4096, 128 * 1024),
      backing: (o, l) => backend.data.slice(o, o + l),
      pump: h.pump,
    };
  });

  describeRkNetdev(`virtio-net-pci (${mode})`, () => {
    const hub = new NetHub();
    const peerPort = hub.port('peer');
    const taken: Uint8Array[] = [];
    peerPort.attach({ receive: (f) => taken.push(f) > 0 });
    const { h, bound } = boot([{ model: new VirtioNet(hub.port('dev')), legacy, slot: 2 }]);
    const pool = new RkNetbufPool(
      h.plat.memory.phys,
      h.dma.memalign(4096, 512 * 2048),
      512,
      2048,
      64,
    );
    return {
      dev: bound[0]!.netdev!,
      pool,
      peer: { send: (f) => peerPort.send(f), take: () => taken.splice(0) },
      pump: h.pump,
    };
  });

  describe(`virtio-pci binding (${mode})`, () => {
    it('binds through rkpci: transport version, PCI name, INTx line, queue size, decode enabled', async () => {
      const { h, bound } = boot([
        { model: new VirtioRng(counterRng()), legacy, slot: 3 },
        { model: new VirtioBlk(new MemoryBlockBackend('d', 65536)), legacy, slot: 7 },
      ]);
      expect(
        bound.map((d) => [d.transport, d.location, d.deviceId, d.version, d.irq, d.error]),
      ).toEqual([
        ['pci', '0000:00:03.0', 4, legacy ? 1 : 2, 35, undefined],
        ['pci', '0000:00:07.0', 2, legacy ? 1 : 2, 35, undefined],
      ]);
      expect(h.bus.devices().map((d) => d.driver)).toEqual([undefined, 'virtio-pci', 'virtio-pci']);
      expect(bound[1]!.blkdev!.name).toBe('virtio-blk@0000:00:07.0');
      // both share INTx line 35: each handler claims only its own ISR, both complete
      const buf = new Uint8Array(70);
      expect(await bound[0]!.rng!.read(buf)).toBe(70);
      expect(buf[69]).toBe(69);
      const pa = h.dma.memalign(4096, 4096);
      expect(await bound[1]!.blkdev!.read(0, 8, pa)).toBe(0);
      expect(h.plat.irq.count(35)).toBeGreaterThanOrEqual(2);
      expect(bound[0]!.features & (1n << 32n)).toBe(legacy ? 0n : 1n << 32n);
      expect(h.unclaimed).toEqual([]);
    });

    it(
      legacy
        ? 'legacy rings take the size the device fixes'
        : 'modern queues ask for the size they want',
      () => {
        const { bound } = boot([
          { model: new VirtioBlk(new MemoryBlockBackend('d', 65536)), legacy, slot: 1 },
        ]);
        // the blk driver exposes its ring through the number of requests it can have in flight
        expect(bound[0]!.blkdev!.info().maxQueueDepth).toBe(
          Math.floor((legacy ? LEGACY_QUEUE_SIZE : 256) / 3),
        );
      },
    );
  });
}

describe('virtio-pci refusals', () => {
  it('a modern device whose capability points past its BAR is refused and left disabled', () => {
    const h = pciHarness([{ model: new VirtioRng(counterRng()), legacy: false, slot: 1 }]);
    const fn = h.cfg.root.get(1)!.get(0)!;
    new DataView(fn.bytes.buffer).setUint32(0x40 + 8, 0x3ff0, true); // common cfg at +0x3ff0, 0x38 long
    const bound: VirtioBusDevice[] = [];
    h.bus.registerDriver(
      virtioPciDriver({ plat: h.plat, dma: h.dma, registry: h.registry as never }, (d) =>
        bound.push(d),
      ),
    );
    h.attach();
    expect(bound[0]!.error).toBe(
      'capability type 1 at 0x40 names BAR 4 +0x3ff0 (56 bytes), which is not an assigned BAR region',
    );
    expect(h.bus.devices()[1]!.driver).toBeUndefined();
    expect(fn.read(0x04, 2) & 7).toBe(0);
  });

  it('a queue whose notify address falls outside the notify structure fails the bind, not the host', () => {
    const h = pciHarness([
      { model: new VirtioBlk(new MemoryBlockBackend('d', 65536)), legacy: false, slot: 1 },
    ]);
    const fn = h.cfg.root.get(1)!.get(0)!;
    new DataView(fn.bytes.buffer).setUint32(0x70 + 12, 1, true); // notify structure 1 byte long
    const bound: VirtioBusDevice[] = [];
    h.bus.registerDriver(
      virtioPciDriver({ plat: h.plat, dma: h.dma, registry: h.registry as never }, (d) =>
        bound.push(d),
      ),
    );
    h.attach();
    expect(bound[0]!.error).toBe(`cannot set up queue 0: ${-Errno.EIO}`);
    expect(h.registry.size).toBe(0);
    expect(h.bus.devices()[1]!.driver).toBeUndefined();
  });

  it('a function whose pin routes nowhere is not bound (its I/O would park forever)', () => {
    const h = pciHarness([{ model: new VirtioRng(counterRng()), legacy: true, slot: 2 }]);
    const bound: VirtioBusDevice[] = [];
    h.bus.registerDriver(
      virtioPciDriver({ plat: h.plat, dma: h.dma, registry: h.registry as never }, (d) =>
        bound.push(d),
      ),
    );
    h.cfg.root.get(2)!.get(0)!.bytes[0x3d] = 0;
    h.attach();
    expect(bound[0]!.error).toBe('0000:00:02.0: INTx pin 0 routes to no interrupt line');
  });
});
