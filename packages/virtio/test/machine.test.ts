// The virtio drivers on the real machine: the platform booted on the machine model (S-mode under the
// firmware and -bios none M-mode), the device tree it discovers, the real PLIC and interrupt path —
// not the fake PLIC of harness.ts. Each device works end to end and its completions arrive as
// interrupts on the slot's PLIC line.
import { createRegistry } from '@runikraft/rkboot';
import { netbufData, netbufWrite, type RkNetbuf, RkNetbufPool } from '@runikraft/rknetdev';
import type { RkPlat } from '@runikraft/rkplat';
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../../platforms/qemu-riscv/src/machine/backends/blk/memory';
import { NetHub } from '../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { counterRng } from '../../../platforms/qemu-riscv/src/machine/backends/rng/backend';
import { VirtioBlk } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { VirtioRng } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/rng';
import type { VirtioDevice } from '../../../platforms/qemu-riscv/src/machine/virtio-mmio/device';
import { MODES, onPlat } from '../../../platforms/qemu-riscv/test/plat/booted';
import { probeVirtioMmio, type VirtioBusDevice } from '../src/bus';
import { dmaFrom } from './dma-from';

/** The first device plugged lands in slot 7 (0x10008000), PLIC source 8, as on QEMU. */
const SLOT7_IRQ = 8;
/** Slot 7's InterruptStatus: 0 once the driver's handler has acknowledged every completion. */
const SLOT7_ISR = 0x10008060;

/** Boots with `devices` plugged, probes the bus on the booted platform and runs `check`. */
function onVirtio(
  bios: (typeof MODES)[number][0],
  legacy: boolean,
  devices: () => VirtioDevice[],
  check: (plat: RkPlat, devs: VirtioBusDevice[], dma: ReturnType<typeof dmaFrom>) => Promise<void>,
) {
  return onPlat(
    {
      bios,
      virtioForceLegacy: legacy,
      before: (_hart, machine) => {
        for (const d of devices()) machine.plugVirtio(d);
      },
    },
    async ({ plat }) => {
      const dma = dmaFrom(plat);
      const registry = createRegistry();
      const devs = probeVirtioMmio({ plat, dma, registry: registry as never });
      await check(plat, devs, dma);
    },
  );
}

for (const [bios, mode] of MODES)
  for (const legacy of [false, true])
    describe(`virtio drivers on the booted machine, ${mode}, ${legacy ? 'legacy' : 'modern'}`, () => {
      it('virtio-blk: writes and reads back through the real PLIC', async () => {
        const backend = new MemoryBlockBackend('d0', 1 << 20);
        const { exit } = await onVirtio(
          bios,
          legacy,
          () => [new VirtioBlk(backend)],
          async (plat, devs, dma) => {
            expect(devs.map((d) => [d.base, d.irq, d.deviceId, d.error])).toEqual([
              [0x10008000, SLOT7_IRQ, 2, undefined],
            ]);
            const disk = devs[0].blkdev!;
            const pa = dma.memalign(4096, 4096);
            const ram = plat.memory.phys;
            for (let i = 0; i < 1024; i++) ram.u8[pa - ram.base + i] = (i * 13) & 0xff;
            // rkblkdev reaps a finished request by polling right after submitting it; the device's
            // completion interrupt is still raised and is taken at the CPU's next poll point
            expect(await disk.write(3, 2, pa)).toBe(0);
            await plat.lcpu.poll();
            ram.u8.fill(0, pa - ram.base, pa - ram.base + 1024);
            expect(await disk.read(3, 2, pa)).toBe(0);
            await plat.lcpu.poll();
            expect(ram.u8[pa - ram.base + 1000]).toBe((1000 * 13) & 0xff);
            expect(plat.irq.count(SLOT7_IRQ)).toBeGreaterThanOrEqual(2);
            expect(plat.devices.read(SLOT7_ISR, 4)).toBe(0);
          },
        );
        expect(exit.status).toBe(0);
        expect(backend.data[3 * 512 + 1000]).toBe((1000 * 13) & 0xff);
      });

      it('virtio-rng: a read completes on the interrupt', async () => {
        const { exit } = await onVirtio(
          bios,
          legacy,
          () => [new VirtioRng(counterRng())],
          async (plat, devs) => {
            const buf = new Uint8Array(100);
            expect(await devs[0].rng!.read(buf)).toBe(100);
            expect([buf[0], buf[63], buf[64], buf[99]]).toEqual([0, 63, 64, 99]);
            expect(plat.irq.count(SLOT7_IRQ)).toBeGreaterThanOrEqual(2);
            expect(plat.devices.read(SLOT7_ISR, 4)).toBe(0);
          },
        );
        expect(exit.status).toBe(0);
      });

      it('virtio-net: TX reaches the wire; an RX frame raises the interrupt and the callback', async () => {
        const hub = new NetHub();
        const peer = hub.port('peer');
        const sent: Uint8Array[] = [];
        peer.attach({ receive: (f) => sent.push(f) > 0 });
        const { exit } = await onVirtio(
          bios,
          legacy,
          () => [new VirtioNet(hub.port('nic'))],
          async (plat, devs, dma) => {
            const dev = devs[0].netdev!;
            const pool = new RkNetbufPool(
              plat.memory.phys,
              dma.memalign(4096, 64 * 2048),
              64,
              2048,
              64,
            );
            let callbacks = 0;
            expect(dev.configure({ nbRxQueues: 1, nbTxQueues: 1 })).toBe(0);
            expect(
              dev.rxqConfigure(0, 32, {
                allocRx: (n) => pool.allocBurst(n),
                callback: () => {
                  callbacks++;
                },
              }),
            ).toBe(0);
            expect(dev.txqConfigure(0, 32)).toBe(0);
            expect(dev.start()).toBe(0);
            expect(dev.rxIntrEnable(0)).toBe(0);
            const tx = pool.alloc()!;
            const frame = Uint8Array.from({ length: 60 }, (_, i) => (i < 6 ? 0xff : i));
            netbufWrite(plat.memory.phys, tx, frame);
            expect(dev.txOne(0, tx) & 1).toBe(1);
            expect(sent).toEqual([frame]);
            const reply = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);
            peer.send(reply);
            await plat.lcpu.poll();
            expect(callbacks).toBe(1);
            expect(plat.irq.count(SLOT7_IRQ)).toBeGreaterThanOrEqual(1);
            expect(plat.devices.read(SLOT7_ISR, 4)).toBe(0);
            const got: RkNetbuf[] = [];
            expect(dev.rxBurst(0, got, 8)).toBe(1);
            expect(netbufData(plat.memory.phys, got[0])).toEqual(reply);
          },
        );
        expect(exit.status).toBe(0);
      });
    });
