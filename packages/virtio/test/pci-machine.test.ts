// The virtio drivers over the machine's own virtio-pci devices, booted: the platform discovered from
// the device tree, rkpci enumerating the machine's ECAM from the kernel, the real PLIC and trap path
// (S-mode and M-mode), modern (disable-legacy=on) and legacy (disable-modern=on); and virtio-mmio and
// virtio-pci devices in one machine; virtio-9p over PCI against the machine's 9P server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fdt } from '@runikraft/fdt';
import { P9_DOTL, RkP9Client, type RkP9TransportRegistry } from '@runikraft/rk9p';
import { createRegistry } from '@runikraft/rkboot';
import { netbufData, netbufWrite, type RkNetbuf, RkNetbufPool } from '@runikraft/rknetdev';
import { hostBridgesFromDt, RkPciBusImpl } from '@runikraft/rkpci';
import type { RkPlat } from '@runikraft/rkplat';
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../../platforms/qemu-riscv/src/machine/backends/blk/memory';
import { NetHub } from '../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { counterRng } from '../../../platforms/qemu-riscv/src/machine/backends/rng/backend';
import type { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { VirtioBlk } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { VirtioRng } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/rng';
import { MODES, onPlat } from '../../../platforms/qemu-riscv/test/plat/booted';
import { probeVirtioMmio, type VirtioBusDevice } from '../src/bus';
import { virtioPciDriver } from '../src/pci-bus';
import { dmaFrom } from './dma-from';

/** Boots with `plug`'s devices, enumerates PCI and probes virtio-mmio in the kernel, runs `check`. */
function onPci(
  bios: (typeof MODES)[number][0],
  plug: (m: Machine) => void,
  check: (plat: RkPlat, devs: VirtioBusDevice[], dma: ReturnType<typeof dmaFrom>) => Promise<void>,
) {
  return onPlat({ bios, before: (_hart, machine) => plug(machine) }, async ({ plat }) => {
    const dma = dmaFrom(plat);
    const registry = createRegistry();
    const o = { plat, dma, registry: registry as never };
    const devs = probeVirtioMmio(o);
    const bus = new RkPciBusImpl();
    bus.registerDriver(virtioPciDriver(o, (d) => devs.push(d)));
    const { bridges } = hostBridgesFromDt(Fdt.open(plat.bootinfo.dtb), plat.devices);
    for (const hb of bridges) bus.addHostBridge(hb);
    await check(plat, devs, dma);
  });
}

for (const [bios, mode] of MODES)
  for (const legacy of [false, true]) {
    const pciOpts = legacy ? { disableModern: true } : { disableLegacy: true };
    describe(`virtio-pci on the booted machine, ${mode}, ${legacy ? 'legacy' : 'modern'}`, () => {
      it('virtio-blk: writes and reads back; completions arrive on INTA of slot 1 (PLIC 33)', async () => {
        const backend = new MemoryBlockBackend('d0', 1 << 20);
        const { exit } = await onPci(
          bios,
          (m) => m.plugVirtioPci(new VirtioBlk(backend), pciOpts),
          async (plat, devs, dma) => {
            expect(
              devs.map((d) => [d.transport, d.location, d.irq, d.deviceId, d.version, d.error]),
            ).toEqual([['pci', '0000:00:01.0', 33, 2, legacy ? 1 : 2, undefined]]);
            const disk = devs[0]!.blkdev!;
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
            expect(plat.irq.count(33)).toBeGreaterThanOrEqual(2);
          },
        );
        expect(exit.status).toBe(0);
        expect(backend.data[3 * 512 + 1000]).toBe((1000 * 13) & 0xff);
      });

      it('virtio-rng and virtio-net side by side: entropy, TX to the wire, RX on the interrupt', async () => {
        const hub = new NetHub();
        const peer = hub.port('peer');
        const sent: Uint8Array[] = [];
        peer.attach({ receive: (f) => sent.push(f) > 0 });
        const { exit } = await onPci(
          bios,
          (m) => {
            m.plugVirtioPci(new VirtioRng(counterRng()), pciOpts);
            m.plugVirtioPci(new VirtioNet(hub.port('nic')), pciOpts);
          },
          async (plat, devs, dma) => {
            expect(devs.map((d) => [d.location, d.irq, d.deviceId, d.error])).toEqual([
              ['0000:00:01.0', 33, 4, undefined],
              ['0000:00:02.0', 34, 1, undefined],
            ]);
            const buf = new Uint8Array(100);
            expect(await devs[0]!.rng!.read(buf)).toBe(100);
            expect([buf[0], buf[99]]).toEqual([0, 99]);
            const dev = devs[1]!.netdev!;
            // legacy rings have the device's fixed size (256 here): RX takes that many buffers
            const pool = new RkNetbufPool(
              plat.memory.phys,
              dma.memalign(4096, 512 * 2048),
              512,
              2048,
              64,
            );
            const got: RkNetbuf[] = [];
            expect(dev.configure({ nbRxQueues: 1, nbTxQueues: 1 })).toBe(0);
            dev.rxqConfigure(0, 32, { allocRx: (n) => pool.allocBurst(n), callback: () => {} });
            dev.txqConfigure(0, 32);
            expect(dev.start()).toBe(0);
            dev.rxIntrEnable(0);
            const frame = new Uint8Array(60).fill(0xab);
            const nb = pool.alloc()!;
            netbufWrite(plat.memory.phys, nb, frame);
            expect(dev.txOne(0, nb)).toBeGreaterThan(0);
            for (let i = 0; i < 50 && sent.length === 0; i++) await plat.lcpu.halt();
            expect(sent[0]).toEqual(frame);
            const irqs = plat.irq.count(34);
            peer.send(Uint8Array.from({ length: 64 }, (_, i) => i));
            const out: RkNetbuf[] = new Array(8);
            for (let i = 0; i < 50 && got.length === 0; i++) {
              await plat.lcpu.halt();
              const n = dev.rxBurst(0, out, 8);
              for (let k = 0; k < n; k++) got.push(out[k]!);
            }
            expect(netbufData(plat.memory.phys, got[0]!)[63]).toBe(63);
            expect(plat.irq.count(34)).toBeGreaterThan(irqs);
          },
        );
        expect(exit.status).toBe(0);
      });
    });
  }

describe('virtio-mmio and virtio-pci in one machine', () => {
  it('a disk on each transport: both bound, both read back what was written', async () => {
    const a = new MemoryBlockBackend('mmio', 1 << 20);
    const b = new MemoryBlockBackend('pci', 1 << 20);
    const { exit } = await onPci(
      'default',
      (m) => {
        m.plugVirtio(new VirtioBlk(a));
        m.plugVirtioPci(new VirtioBlk(b));
      },
      async (plat, devs, dma) => {
        expect(devs.map((d) => [d.transport, d.location, d.irq, d.version])).toEqual([
          ['mmio', '10008000', 8, 1], // virtio-mmio is legacy unless forced modern, as QEMU's
          ['pci', '0000:00:01.0', 33, 2],
        ]);
        const pa = dma.memalign(4096, 4096);
        const ram = plat.memory.phys;
        for (const [i, d] of devs.entries()) {
          ram.u8.fill(0x40 + i, pa - ram.base, pa - ram.base + 512);
          expect(await d.blkdev!.write(1, 1, pa)).toBe(0);
          await plat.lcpu.poll(); // the completion interrupt (the request itself was reaped by polling)
        }
        expect(plat.irq.count(8)).toBeGreaterThan(0);
        expect(plat.irq.count(33)).toBeGreaterThan(0);
      },
    );
    expect(exit.status).toBe(0);
    expect([a.data[512], b.data[512]]).toEqual([0x40, 0x41]);
  });
});

describe("virtio-9p over virtio-pci (the machine's 9P server, -virtfs)", () => {
  for (const legacy of [false, true])
    it(`${legacy ? 'legacy' : 'modern'}: the mount tag from device config, a read and a write of the share`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rk-p9pci-'));
      writeFileSync(join(dir, 'hello.txt'), 'hello over virtio-9p-pci\n');
      const plan = await createVirtioDevicesFromArgs({
        virtfs: [`local,path=${dir},mount_tag=pcishare,security_model=none`],
      });
      try {
        const { exit } = await onPlat(
          {
            bios: 'default',
            before: (_h, m) => {
              for (const d of plan.devices)
                m.plugVirtioPci(
                  d.model,
                  legacy ? { disableModern: true } : { disableLegacy: true },
                );
            },
          },
          async ({ plat }) => {
            const dma = dmaFrom(plat);
            const registry = createRegistry();
            const devs: VirtioBusDevice[] = [];
            const bus = new RkPciBusImpl();
            bus.registerDriver(
              virtioPciDriver({ plat, dma, registry: registry as never }, (d) => devs.push(d)),
            );
            for (const hb of hostBridgesFromDt(Fdt.open(plat.bootinfo.dtb), plat.devices).bridges)
              bus.addHostBridge(hb);
            expect(devs.map((d) => [d.location, d.deviceId, d.version, d.p9?.tag])).toEqual([
              ['0000:00:01.0', 9, legacy ? 1 : 2, 'pcishare'],
            ]);
            const vt = (registry.get('rk9p' as never) as RkP9TransportRegistry).byName('virtio')!;
            const c = await RkP9Client.connect(vt, 'pcishare', {
              msize: 64 * 1024,
              maxRequests: 4,
            });
            const root = await c.attach('');
            const f = await c.walk(root, ['hello.txt']);
            await c.lopen(f, P9_DOTL.O_RDONLY);
            const b = new Uint8Array(64);
            const n = await c.read(f, 0, b);
            expect(new TextDecoder().decode(b.subarray(0, n))).toBe('hello over virtio-9p-pci\n');
            const w = await c.walk(root, []);
            await c.lcreate(w, 'made.txt', P9_DOTL.O_WRONLY | P9_DOTL.O_CREAT, 0o600);
            expect(await c.write(w, 0, new TextEncoder().encode('from the guest'))).toBe(14);
            await c.clunk(w);
            // every reply was reaped right after its notify; the interrupt is taken at a poll point
            await plat.lcpu.poll();
            expect(plat.irq.count(33)).toBeGreaterThan(0);
            c.close();
          },
        );
        expect(exit.status).toBe(0);
        expect(readFileSync(join(dir, 'made.txt'), 'utf8')).toBe('from the guest');
      } finally {
        await plan.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
});
