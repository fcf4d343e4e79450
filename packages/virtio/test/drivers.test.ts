// The virtio drivers end to end against the machine's transport and device models, legacy and modern:
// rkblkdev and rknetdev conformance kits, virtio-rng as an entropy source, bus discovery.
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
import { probeVirtioMmio } from '../src/bus';
import { harness } from './harness';

for (const legacy of [false, true]) {
  const mode = legacy ? 'legacy' : 'modern';

  describeRkBlkdev(`virtio-blk (${mode})`, () => {
    const backend = new MemoryBlockBackend('d0', 1 << 20);
    const h = harness([new VirtioBlk(backend)], legacy);
    const devs = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
    const dev = devs[0].blkdev!;
    return {
      dev,
      bufPa: h.dma.memalign(4096, 128 * 1024),
      backing: (o, l) => backend.data.slice(o, o + l),
      pump: h.pump,
    };
  });

  describeRkNetdev(`virtio-net (${mode})`, () => {
    const hub = new NetHub();
    const peerPort = hub.port('peer');
    const taken: Uint8Array[] = [];
    peerPort.attach({ receive: (f) => taken.push(f) > 0 });
    const h = harness([new VirtioNet(hub.port('dev'))], legacy);
    const devs = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
    const dev = devs[0].netdev!;
    const poolPa = h.dma.memalign(4096, 512 * 2048);
    const pool = new RkNetbufPool(h.plat.memory.phys, poolPa, 512, 2048, 64);
    return {
      dev,
      pool,
      peer: { send: (f) => peerPort.send(f), take: () => taken.splice(0) },
      pump: h.pump,
    };
  });

  describe(`virtio bus and rng (${mode})`, () => {
    it('discovers populated slots only, highest first, with the expected version', () => {
      const h = harness(
        [new VirtioRng(counterRng()), new VirtioBlk(new MemoryBlockBackend('d', 65536))],
        legacy,
      );
      const devs = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
      expect(devs.map((d) => [d.base, d.deviceId, d.version])).toEqual([
        [0x10008000, 4, legacy ? 1 : 2],
        [0x10007000, 2, legacy ? 1 : 2],
      ]);
      expect(devs.every((d) => !d.error)).toBe(true);
      expect(h.transports[7].status & 0x4).toBe(4); // DRIVER_OK
    });

    it('virtio-rng fills a buffer through an interrupt-driven request', async () => {
      const h = harness([new VirtioRng(counterRng())], legacy);
      const [d] = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
      const buf = new Uint8Array(100);
      expect(await d.rng!.read(buf)).toBe(100);
      expect([...buf.subarray(0, 4)]).toEqual([0, 1, 2, 3]);
      expect(buf[99]).toBe(99);
    });

    it('a read-only virtio-blk disk refuses writes with -EROFS; a host I/O error is -EIO', async () => {
      const backend = new MemoryBlockBackend('d', 65536, true);
      const h = harness([new VirtioBlk(backend)], legacy);
      const [d] = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
      const pa = h.dma.memalign(4096, 4096);
      expect(d.blkdev!.info().readOnly).toBe(true);
      expect(await d.blkdev!.write(0, 1, pa)).toBe(-Errno.EROFS);
      backend.injectError({ op: 'read', times: 1 });
      expect(await d.blkdev!.read(0, 1, pa)).toBe(-Errno.EIO);
      expect(await d.blkdev!.read(0, 1, pa)).toBe(0);
    });
  });
}

describe('notification suppression (EVENT_IDX negotiated)', () => {
  it('polling-mode RX raises no interrupts; interrupt mode does; TX reaping needs none', async () => {
    const { RkNetbufPool: Pool, netbufWrite } = await import('@runikraft/rknetdev');
    const hub = new NetHub();
    const peer = hub.port('peer');
    peer.attach({ receive: () => true });
    const h = harness([new VirtioNet(hub.port('dev'))], false);
    const [d] = probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
    expect(d.features & (1n << 29n)).toBe(1n << 29n);
    const dev = d.netdev!;
    const pool = new Pool(h.plat.memory.phys, h.dma.memalign(4096, 512 * 2048), 512, 2048, 64);
    let calls = 0;
    dev.configure({ nbRxQueues: 1, nbTxQueues: 1 });
    dev.rxqConfigure(0, 64, {
      allocRx: (n) => pool.allocBurst(n),
      callback: () => {
        calls++;
      },
    });
    dev.txqConfigure(0, 64);
    dev.start();
    const irq = 8; // slot 7
    // QEMU's first notification decision on a queue always interrupts (no signalled window yet)
    peer.send(new Uint8Array(60));
    const first = pool.alloc()!;
    netbufWrite(dev.phys, first, new Uint8Array(60));
    dev.txOne(0, first);
    await h.pump();
    const warm: import('@runikraft/rknetdev').RkNetbuf[] = [];
    expect(dev.rxBurst(0, warm, 64)).toBe(1);
    for (const b of warm) b.free();
    h.irqCount.clear();
    for (let i = 0; i < 20; i++) peer.send(new Uint8Array(60).fill(i));
    for (let i = 0; i < 20; i++) {
      const nb = pool.alloc()!;
      netbufWrite(dev.phys, nb, new Uint8Array(60));
      dev.txOne(0, nb);
    }
    await h.pump();
    expect(h.irqCount.get(irq) ?? 0).toBe(0); // RX interrupts suppressed, TX completions not signalled
    const out: import('@runikraft/rknetdev').RkNetbuf[] = [];
    expect(dev.rxBurst(0, out, 64)).toBe(20);
    for (const b of out) b.free();
    expect(dev.rxIntrEnable(0)).toBe(0);
    peer.send(new Uint8Array(60));
    await h.pump();
    expect(h.irqCount.get(irq)).toBe(1);
    expect(calls).toBe(1);
  });
});
