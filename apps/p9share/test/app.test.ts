// Boots p9share in-process with a virtio-9p device whose 9P server is diod (a test device model
// forwards each chain over TCP), in legacy and modern mode: every file's SHA-256 printed by the guest
// matches node:crypto's, and the tree the guest wrote back to out/ equals in/ byte for byte.
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';
import { haveDiod, startDiod } from '../../../packages/rk9p/test/helpers/diod';
import { ForwardingVirtio9p } from '../../../packages/virtio/test/p9-forward';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { makeTree, sameTree } from './tree';

let entry: GuestImage;
beforeAll(async () => {
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
  entry = loadImage(imagePath);
}, 60_000);

for (const legacy of [false, true])
  describe.skipIf(!haveDiod)(
    `p9share app over virtio-9p to diod (${legacy ? 'legacy' : 'modern'})`,
    () => {
      it('copies the tree in with matching SHA-256 and back out identical', async () => {
        const diod = await startDiod();
        const files = makeTree(diod.dir);
        const dev = new ForwardingVirtio9p(diod.port, 'share', undefined, diod.dir);
        const vdev = new ForwardingVirtio9p(diod.port, 'vshare', undefined, diod.dir);
        let out = '';
        try {
          const m = new Machine({
            console: (t) => {
              out += t;
              if (process.env.RK_LIVE) process.stdout.write(t);
            },
            clock: 'virtual',
            virtioForceLegacy: legacy,
            memory: 128 << 20,
          });
          m.plugVirtio(dev);
          m.plugVirtio(vdev);
          const exit = await m.boot(entry);
          if (process.env.RK_SHOW) console.log(out);
          expect(exit.status, out).toBe(0);
          expect(out).toContain("virtio-mmio@10008000: 9p 'share'");
          const lines = out.split('\n');
          for (const [p, h] of files) {
            const line = lines.find((l) => l.startsWith(`p9share: file ${p} `));
            expect(line?.endsWith(` ${h}`), `${p}: ${line}`).toBe(true);
          }
          expect(out).toContain('p9share: link link -> a/page');
          expect(out).toContain('fids left 0');
          sameTree(join(diod.dir, 'in'), join(diod.dir, 'out'));
          expect(out).toContain('p9share: vfs: copied 10 entries into ramfs and back out');
          sameTree(join(diod.dir, 'in'), join(diod.dir, 'out-vfs'));
        } finally {
          dev.close();
          await diod.stop();
        }
      });
    },
  );
