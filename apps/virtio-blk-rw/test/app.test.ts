// Boots virtio-blk-rw in-process on the machine with a read-write host image, a read-only one and
// virtio-rng, given as -drive/-device arguments (virtio-*-device or virtio-*-pci with disable-legacy=on /
// disable-modern=on; and the disks on PCI with the rng on MMIO in one machine); checks the console and
// the host file afterwards.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  machineOpts,
  type TestTransport,
  TRANSPORTS,
} from '../../../packages/virtio/test/transports';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import type { VirtioBlk } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { cleanupRk, rk } from '../../../tools/rk/test/helpers/rk-bin';

let entry: GuestImage;
beforeAll(async () => {
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
  entry = loadImage(imagePath);
}, 60_000);

function images() {
  const dir = mkdtempSync(join(tmpdir(), 'rk-blkapp-'));
  const rw = join(dir, 'rw.img');
  const ro = join(dir, 'ro.img');
  writeFileSync(rw, new Uint8Array(4 << 20));
  writeFileSync(ro, new Uint8Array(1 << 20).fill(0x33));
  return { rw, ro };
}

/** The -device form of `kind` on transport `t`, as a user writes it. */
const dev = (kind: string, t: TestTransport, props = '') =>
  t.pci
    ? `virtio-${kind}-pci${props},${t.legacy ? 'disable-modern=on' : 'disable-legacy=on'}`
    : `virtio-${kind}-device${props}`;

const MIXED = { ...TRANSPORTS[2], name: 'disks on modern virtio-pci, rng on legacy virtio-mmio' };
for (const tr of [...TRANSPORTS, MIXED]) {
  describe(`virtio-blk-rw app (${tr.name})`, () => {
    it('writes, flushes and reads back; EIO from an injected host error; EROFS on the read-only disk', async () => {
      const { rw, ro } = images();
      const plan = await createVirtioDevicesFromArgs({
        drive: [
          `file=${rw},if=none,format=raw,id=d0`,
          `file=${ro},if=none,format=raw,id=d1,readonly=on`,
        ],
        device: [
          dev('blk', tr, ',drive=d0'),
          dev('blk', tr, ',drive=d1'),
          dev('rng', tr === MIXED ? TRANSPORTS[0] : tr),
        ],
      });
      (plan.devices[0].model as VirtioBlk).backend.injectError({
        op: 'read',
        offset: 4096 * 512,
        length: 512,
      });
      let out = '';
      const m = new Machine({
        console: (t) => (out += t),
        clock: 'virtual',
        ...machineOpts(tr === MIXED ? TRANSPORTS[0] : tr),
        memory: 64 << 20,
      });
      // as rk run plugs a plan: -pci devices on the PCIe bus, the others in virtio-mmio slots
      for (const d of plan.devices)
        if (d.pci) m.plugVirtioPci(d.model, d.pci);
        else m.plugVirtio(d.model, d.slot);
      const exit = await m.boot(entry);
      await plan.close();
      if (process.env.RK_SHOW) console.log(out);
      expect(out).toContain('virtio-blk-rw: disk0');
      expect(out).toContain('compare ok');
      expect(out).toContain('read sector 4096: EIO');
      expect(out).toContain('disk1 (ro) write: EROFS');
      expect(out).toContain('rkswrand seeded from virtio-rng');
      if (tr.pci) expect(out).toContain(`virtio-pci@0000:00:01.0: blk v${tr.legacy ? 1 : 2}`);
      if (tr === MIXED) expect(out).toContain('virtio-mmio@10008000: rng v1');
      expect(exit.status, out).toBe(0);
      const disk = new Uint8Array(readFileSync(rw));
      for (const i of [0, 1, 511, 512, 32767]) expect(disk[i]).toBe((i * 7 + (i >> 9)) & 0xff);
      expect(readFileSync(ro)[0]).toBe(0x33);
    });
  });
}

describe('rk run with virtio-*-pci devices (the real rk bin, as a user types it)', () => {
  afterAll(cleanupRk);
  for (const [mode, version] of [
    ['disable-legacy=on', 2],
    ['disable-modern=on', 1],
  ] as const)
    it(`-device virtio-blk-pci,drive=…,${mode} and -device virtio-rng-pci`, async () => {
      const { rw, ro } = images();
      const r = await rk([
        'run',
        new URL('..', import.meta.url).pathname,
        '-drive',
        `file=${rw},if=none,format=raw,id=d0`,
        '-drive',
        `file=${ro},if=none,format=raw,id=d1,readonly=on`,
        '-device',
        `virtio-blk-pci,drive=d0,${mode}`,
        '-device',
        `virtio-blk-pci,drive=d1,${mode}`,
        '-device',
        'virtio-rng-pci',
      ]);
      expect(r.stdout).toContain(`virtio-pci@0000:00:01.0: blk v${version}`);
      expect(r.stdout).toContain(`virtio-pci@0000:00:02.0: blk v${version}`);
      expect(r.stdout).toContain('virtio-pci@0000:00:03.0: rng v2'); // transitional: the driver picks modern
      expect(r.stdout).toContain('compare ok');
      expect(r.stdout).toContain('disk1 (ro) write: EROFS');
      expect(r.stdout).toContain('rkswrand seeded from virtio-rng');
      expect(r.status, r.stderr).toBe(0);
      const disk = new Uint8Array(readFileSync(rw));
      expect(disk[32767]).toBe((32767 * 7 + (32767 >> 9)) & 0xff);
    }, 90_000);
});
