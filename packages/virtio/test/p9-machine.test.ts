// virtio-9p on the booted machine against the machine's own 9P server (`-virtfs local,…`): the
// platform discovered from the device tree, the real PLIC and trap path, S-mode and M-mode, legacy
// and modern, virtual clock. A session through rk9p changes the host directory as it should.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import { P9_DOTL, type RkP9Attr, RkP9Client, type RkP9TransportRegistry } from '@runikraft/rk9p';
import { createRegistry } from '@runikraft/rkboot';
import { describe, expect, it } from 'vitest';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { MODES, onPlat } from '../../../platforms/qemu-riscv/test/plat/booted';
import { probeVirtioMmio } from '../src/bus';

const SLOT7_IRQ = 8;
const SLOT7_ISR = 0x10008060;

for (const [bios, mode] of MODES)
  for (const legacy of [false, true])
    describe(`virtio-9p on the booted machine with -virtfs, ${mode}, ${legacy ? 'legacy' : 'modern'}`, () => {
      it('a session reads and writes the shared host directory, replies reaped at the notify', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'rk-p9m-'));
        writeFileSync(join(dir, 'hello.txt'), 'hello over virtio-9p\n');
        const plan = await createVirtioDevicesFromArgs({
          virtfs: [`local,path=${dir},mount_tag=hostshare,security_model=none`],
        });
        try {
          let halts = () => 0;
          const { exit } = await onPlat(
            {
              bios,
              virtioForceLegacy: legacy,
              before: (_h, machine) => {
                for (const d of plan.devices) machine.plugVirtio(d.model, d.slot);
                halts = () => machine.stats.wfi;
              },
            },
            async ({ plat }) => {
              const free = plat.memory.regions().filter((r) => r.type === 'free');
              const r = free.reduce((a, b) => (b.len > a.len ? b : a));
              let next = Math.ceil(r.pbase / 4096) * 4096;
              const dma = {
                memalign: (align: number, size: number) => {
                  const p = Math.ceil(next / align) * align;
                  if (p + size > r.pbase + r.len) return 0;
                  next = p + size;
                  return p;
                },
                free: () => {},
              };
              const registry = createRegistry();
              const devs = probeVirtioMmio({ plat, dma, registry: registry as never });
              expect(devs.map((d) => [d.deviceId, d.irq, d.error, d.p9?.tag])).toEqual([
                [9, SLOT7_IRQ, undefined, 'hostshare'],
              ]);
              const vt = (registry.get('rk9p' as never) as RkP9TransportRegistry).byName('virtio')!;
              const c = await RkP9Client.connect(vt, 'hostshare', {
                msize: 64 * 1024,
                maxRequests: 4,
              });
              const halted = halts();
              const root = await c.attach('');
              const f = await c.walk(root, ['hello.txt']);
              await c.lopen(f, P9_DOTL.O_RDONLY);
              const b = new Uint8Array(64);
              const n = await c.read(f, 0, b);
              expect(new TextDecoder().decode(b.subarray(0, n))).toBe('hello over virtio-9p\n');
              await c.clunk(f);
              const w = await c.walk(root, []);
              await c.lcreate(w, 'made.bin', P9_DOTL.O_WRONLY | P9_DOTL.O_CREAT, 0o600);
              const data = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
              for (let off = 0; off < data.length; )
                off += await c.write(w, off, data.subarray(off));
              await c.clunk(w);
              await c.mkdir(root, 'sub', 0o755);
              // every reply is there once the request is sent: rk9p returns it directly, and an
              // error is thrown at once, with no Promise on either path
              const direct = c.getattr(root);
              expect(direct).not.toBeInstanceOf(Promise);
              expect((direct as RkP9Attr).qid.path).toBe(root.qid.path);
              expect(() => c.walk(root, ['nope'])).toThrow(
                expect.objectContaining({ errno: Errno.ENOENT }),
              );
              expect(c.openFids).toBe(1);
              // The machine's 9P server answers inside the notify, and the driver reaps the used
              // ring right after notifying: no request halted the CPU for its interrupt. The
              // interrupt is still raised; the CPU takes and acknowledges it at its next poll point.
              expect(halts()).toBe(halted);
              await plat.lcpu.poll();
              expect(plat.irq.count(SLOT7_IRQ)).toBeGreaterThan(0);
              expect(plat.devices.read(SLOT7_ISR, 4)).toBe(0);
              expect(c.dev.stats.badReplies + c.dev.stats.unknownTags).toBe(0);
              c.close();
            },
          );
          expect(exit.status).toBe(0);
          const made = readFileSync(join(dir, 'made.bin'));
          expect(made.length).toBe(200_000);
          expect(made[199_999]).toBe((199_999 * 7) & 0xff);
          expect(statSync(join(dir, 'made.bin')).mode & 0o777).toBe(0o600);
          expect(statSync(join(dir, 'sub')).isDirectory()).toBe(true);
        } finally {
          await plan.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });
