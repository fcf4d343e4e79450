// Boots p9share with the machine's own virtio-9p device (`--virtfs local,path=…,mount_tag=share`),
// legacy and modern, on the virtual clock: guest SHA-256 digests match node:crypto's, and out/ equals
// in/ byte for byte on the host.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { makeTree, sameTree } from './tree';

let entry: GuestImage;
beforeAll(async () => {
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
  entry = loadImage(imagePath);
}, 60_000);

for (const legacy of [false, true])
  describe(`p9share app with --virtfs (${legacy ? 'legacy' : 'modern'}, virtual clock)`, () => {
    it('copies the tree in with matching SHA-256 and back out identical', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rk-p9share-'));
      const files = makeTree(dir);
      const plan = await createVirtioDevicesFromArgs({
        virtfs: [
          `local,path=${dir},mount_tag=share,security_model=none`,
          `local,path=${dir},mount_tag=vshare,security_model=none`,
        ],
      });
      let out = '';
      try {
        const m = new Machine({
          console: (t) => (out += t),
          clock: 'virtual',
          virtioForceLegacy: legacy,
          memory: 128 << 20,
        });
        for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
        const exit = await m.boot(entry);
        if (process.env.RK_SHOW) console.log(out);
        expect(exit.status, out).toBe(0);
        const lines = out.split('\n');
        for (const [p, h] of files) {
          const line = lines.find((l) => l.startsWith(`p9share: file ${p} `));
          expect(line?.endsWith(` ${h}`), `${p}: ${line}`).toBe(true);
        }
        expect(out).toContain('fids left 0');
        sameTree(join(dir, 'in'), join(dir, 'out'));
        // the same tree through vfscore: 9pfs on /mnt (vfs.fstab), ramfs on /
        expect(out).toContain("p9share: vfs: /mnt is 9pfs from 'vshare'");
        for (const [p, h] of files) {
          const line = lines.find((l) => l.startsWith(`p9share: vfs file ${p} `));
          expect(line?.endsWith(` ${h}`), `${p}: ${line}`).toBe(true);
        }
        expect(out).toContain('p9share: vfs: copied 10 entries into ramfs and back out');
        sameTree(join(dir, 'in'), join(dir, 'out-vfs'));
      } finally {
        await plan.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
