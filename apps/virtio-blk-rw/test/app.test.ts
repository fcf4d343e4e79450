// Boots virtio-blk-rw in-process on the machine with a read-write host image, a read-only one and
// virtio-rng, over virtio-mmio and virtio-pci in legacy and modern mode (and the disks on PCI with the
// rng on MMIO in one machine); checks the console and the host file afterwards.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';
import { machineOpts, plug, TRANSPORTS } from '../../../packages/virtio/test/transports';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import type { VirtioBlk } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';

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
        device: ['virtio-blk-device,drive=d0', 'virtio-blk-device,drive=d1', 'virtio-rng-device'],
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
      for (const d of plan.devices)
        if (tr === MIXED && d.model.deviceId === 4) plug(m, d.model, TRANSPORTS[0]);
        else plug(m, d.model, tr);
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
