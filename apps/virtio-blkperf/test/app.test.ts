// virtio-blkperf boots and completes its requests (interrupt-driven) on a host image file, over
// virtio-mmio and virtio-pci, legacy and modern; with rkpci it reports the enumeration's cost.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { beforeAll, expect, it } from 'vitest';
import { machineOpts, plug, TRANSPORTS } from '../../../packages/virtio/test/transports';
import { FileBlockBackend } from '../../../platforms/qemu-riscv/src/machine/backends/blk/file';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { VirtioBlk } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';

let entry: GuestImage;
beforeAll(async () => {
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
  entry = loadImage(imagePath);
}, 60_000);

TRANSPORTS.forEach((tr, i) => {
  const args = i % 2 ? 'read rand 2000 8' : 'write seq 2000 1';
  it(`${args} over ${tr.name}`, async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rk-blkperf-')), 'd.img');
    writeFileSync(path, new Uint8Array(8 << 20));
    let out = '';
    const m = new Machine({
      console: (t) => (out += t),
      clock: 'host',
      memory: 64 << 20,
      ...machineOpts(tr),
      append: `-- ${args}`,
    });
    plug(m, new VirtioBlk(new FileBlockBackend('d0', path, false)), tr);
    const exit = await m.boot(entry);
    const [op, pattern, , qd] = args.split(' ');
    expect(out).toMatch(
      new RegExp(
        `blkperf: 2000 ${pattern} ${op}s of 4 KiB at QD${qd} in [\\d.]+ ms = \\d+ IOPS \\(0 failed\\)`,
      ),
    );
    // the host bridge and the disk (if on PCI) were enumerated, and the cost reported
    expect(out).toMatch(
      new RegExp(
        `pci: /soc/pci@30000000: ${tr.pci ? 2 : 1} functions enumerated in \\d+ us \\(\\d+ config reads`,
      ),
    );
    expect(exit.status, out).toBe(0);
  }, 30_000);
});
