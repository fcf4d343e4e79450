// virtio-blkperf boots and completes its requests (interrupt-driven) on a host image file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { beforeAll, expect, it } from 'vitest';
import { FileBlockBackend } from '../../../platforms/qemu-riscv/src/machine/backends/blk/file';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { VirtioBlk } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';

let entry: GuestImage;
beforeAll(async () => {
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
  entry = loadImage(imagePath);
}, 60_000);

for (const [args, legacy] of [
  ['read rand 2000 8', false],
  ['write seq 2000 1', true],
] as const)
  it(`${args} over virtio-mmio (${legacy ? 'legacy' : 'modern'})`, async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rk-blkperf-')), 'd.img');
    writeFileSync(path, new Uint8Array(8 << 20));
    let out = '';
    const m = new Machine({
      console: (t) => (out += t),
      clock: 'host',
      memory: 64 << 20,
      virtioForceLegacy: legacy,
      append: `-- ${args}`,
    });
    const backend = new FileBlockBackend('d0', path, false);
    m.plugVirtio(new VirtioBlk(backend));
    const exit = await m.boot(entry);
    expect(out).toMatch(
      new RegExp(
        `blkperf: 2000 ${args.split(' ')[1]} ${args.split(' ')[0]}s of 4 KiB at QD${args.split(' ')[3]} in [\\d.]+ ms = \\d+ IOPS \\(0 failed\\)`,
      ),
    );
    expect(exit.status, out).toBe(0);
  }, 30_000);
