// Boots ext4-tree in-process with a virtio-blk disk made by the real mkfs.ext4 -d from a generated
// tree (deep directories, a 10,000-entry directory, sparse files, a 5 GiB sparse file, fast and slow
// symlinks, hard links), mounted by `vfs.fstab`: every line the guest prints equals what node:fs
// says about the source tree.
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2FSCK, haveE2fs, mkfs, rmrf, scratch } from '../../../packages/ext4/test/helpers/image';
import { makeTree } from '../../../packages/ext4/test/helpers/tree';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { digest, windows } from '../src/digest';

const top = scratch('rk-ext4-tree-');
afterAll(() => rmrf(top));
let entry: GuestImage;
beforeAll(async () => {
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
  entry = loadImage(imagePath);
}, 60_000);

/** The lines the guest should print for `dir`, from node:fs. */
function expected(dir: string, rel = '', out: string[] = []): string[] {
  for (const name of nfs.readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const r = `${rel}/${name}`;
    const st = nfs.lstatSync(abs);
    const perm = (st.mode & 0o7777).toString(8);
    if (st.isDirectory()) {
      out.push(`D ${r} ${perm} ${st.nlink}`);
      expected(abs, r, out);
    } else if (st.isSymbolicLink()) out.push(`L ${r} ${nfs.readlinkSync(abs)}`);
    else {
      const fd = nfs.openSync(abs, 'r');
      const chunks = windows(st.size).map(([at, n]) => {
        const b = new Uint8Array(n);
        nfs.readSync(fd, b, 0, n, at);
        return b;
      });
      nfs.closeSync(fd);
      out.push(`F ${r} ${perm} ${st.nlink} ${st.size} ${digest(chunks)}`);
    }
  }
  return out;
}

async function boot(img: string, append: string): Promise<{ out: string; status: number }> {
  const plan = await createVirtioDevicesFromArgs({
    drive: [`file=${img},if=none,format=raw,id=d0`],
    device: ['virtio-blk-device,drive=d0'],
  });
  let out = '';
  const m = new Machine({
    console: (t) => {
      out += t;
      if (process.env.RK_LIVE) process.stdout.write(t);
    },
    clock: 'virtual',
    memory: 128 << 20,
    append,
  });
  for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
  const exit = await m.boot(entry);
  await plan.close();
  return { out, status: exit.status };
}

describe.skipIf(!haveE2fs)('ext4-tree app over virtio-blk', () => {
  it('prints the tree of a mkfs.ext4 -d image exactly as node:fs sees the source', async () => {
    const src = join(top, 'src');
    makeTree(src, { many: 10_000, depth: 40, huge: true, seed: 42 });
    const img = mkfs(top, '256M', { dir: src });
    expect(execFileSync(E2FSCK, ['-fn', img]).toString()).toContain('files');
    const { out, status } = await boot(img, 'vfs.fstab=/dev/vda:/data:ext4:0::mkmp');
    if (process.env.RK_SHOW) console.log(out);
    const got = out
      .split('\n')
      .filter((l) => /^ext4-tree: [DFL] /.test(l))
      .map((l) => l.slice('ext4-tree: '.length));
    const want = expected(src);
    expect(want.length).toBeGreaterThan(10_050);
    expect(got.length, out.slice(-2000)).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBe(want[i]);
    expect(out).toContain(`ext4-tree: done ${want.length} entries`);
    expect(status, out.slice(-2000)).toBe(0);
  }, 300_000);

  it('reports a disk that is not ext4 with the reason, and the boot fails', async () => {
    const img = join(top, 'zero.img');
    nfs.writeFileSync(img, new Uint8Array(8 << 20));
    const { out, status } = await boot(img, 'vfs.fstab=/dev/vda:/data:ext4:0::mkmp');
    expect(out).toContain('ext4: cannot mount /dev/vda on /data: no ext2/3/4 super block');
    expect(status).not.toBe(0);
  }, 60_000);
});
