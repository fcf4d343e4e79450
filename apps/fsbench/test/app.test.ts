// Boots fsbench in-process over virtio-blk with small sizes: on a fresh mkfs.ext4 disk it mounts
// the disk itself, runs every phase, and extracts a GNU tar (made by the host's tar from a generated
// tree, read raw from a second disk); afterwards e2fsck -fn is clean and debugfs rdump of the disk
// equals the tree. On ramfs the same phases run and report. The tar reader is checked against the
// host's tar on the same archive.
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  debugfs,
  fsck,
  haveE2fs,
  mkfs,
  rmrf,
  scratch,
} from '../../../packages/ext4/test/helpers/image';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { tarEntries } from '../src/tar';

const top = scratch('rk-fsbench-');
afterAll(() => rmrf(top));
let image: GuestImage;
let tarFile: string;
let tarDisk: string;
const src = join(top, 'src');

beforeAll(async () => {
  image = loadImage((await buildImage(new URL('..', import.meta.url).pathname)).imagePath);
  // a tree with a long name (GNU 'L' entry), nesting, a symlink, a hard link and odd sizes
  const deep = join(src, 'pkg', 'lib', 'a'.repeat(60), 'b'.repeat(60));
  nfs.mkdirSync(deep, { recursive: true });
  for (let i = 0; i < 40; i++)
    nfs.writeFileSync(
      join(src, 'pkg', 'lib', `m${i}.js`),
      `module.exports = ${i};\n`.repeat(i * 37),
    );
  nfs.writeFileSync(join(deep, 'long.txt'), 'x'.repeat(5000));
  nfs.symlinkSync('lib/m1.js', join(src, 'pkg', 'main.js'));
  nfs.linkSync(join(src, 'pkg', 'lib', 'm2.js'), join(src, 'pkg', 'm2-link.js'));
  tarFile = join(top, 'pkg.tar');
  execFileSync('tar', ['--format=gnu', '-cf', tarFile, '-C', src, 'pkg']);
  tarDisk = join(top, 'tar.img');
  nfs.copyFileSync(tarFile, tarDisk);
  nfs.truncateSync(tarDisk, Math.ceil(nfs.statSync(tarFile).size / 4096) * 4096 + 4096);
}, 120_000);

async function boot(drives: string[], argv: string) {
  const plan = await createVirtioDevicesFromArgs({
    drive: drives.map((f, i) => `file=${f},if=none,format=raw,id=d${i}`),
    device: drives.map((_, i) => `virtio-blk-device,drive=d${i}`),
  });
  let out = '';
  const m = new Machine({
    console: (t) => (out += t),
    clock: 'virtual',
    memory: 128 << 20,
    append: `rkboot.banner=off -- ${argv}`,
  });
  for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
  const exit = await m.boot(image);
  await plan.close();
  return { out, status: exit.status };
}

const PHASES = [
  'mount',
  'seqwrite',
  'seqread',
  'seqreadwarm',
  'seqreadram',
  'randread',
  'randwrite',
  'create',
  'stat',
  'unlink',
  'untar',
];

describe('fsbench', () => {
  it('reads the archive as the host tar lists it', () => {
    const names = [...tarEntries(new Uint8Array(nfs.readFileSync(tarFile)))].map((e) => e.path);
    const want = execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((n) => n.replace(/\/$/, ''));
    expect(names).toEqual(want);
  });

  it.skipIf(!haveE2fs)(
    'runs every phase on ext4; e2fsck is clean and the extracted tree equals the source',
    async () => {
      const img = mkfs(top, '64M');
      const len = nfs.statSync(tarFile).size;
      const { out, status } = await boot(
        [img, tarDisk],
        `/data mount=/dev/vda:ext4 mb=4 passes=2 random=64 files=50 tar=1:${len}`,
      );
      expect(status, out.slice(-2000)).toBe(0);
      for (const p of PHASES) expect(out).toMatch(new RegExp(`fsbench: end ${p} \\d+ \\d+\\n`));
      expect(out).toMatch(new RegExp(`fsbench: end seqread \\d+ ${4 << 20}\\n`));
      expect(out).toMatch(new RegExp(`fsbench: end seqreadwarm \\d+ ${8 << 20}\\n`));
      expect(out).toMatch(new RegExp(`fsbench: end seqreadram \\d+ ${8 << 20}\\n`));
      expect(out).toMatch(/fsbench: end create \d+ 50\n/);
      const [st, report] = fsck(img);
      expect(st, report).toBe(0);
      const dump = join(top, 'dump');
      nfs.mkdirSync(dump);
      debugfs(img, `rdump /pkg ${dump}`);
      const list = (d: string): string[] =>
        nfs.readdirSync(d, { recursive: true, encoding: 'utf8' }).sort();
      expect(list(join(dump, 'pkg'))).toEqual(list(join(src, 'pkg')));
      for (const f of list(join(src, 'pkg'))) {
        const a = join(src, 'pkg', f);
        const st2 = nfs.lstatSync(a);
        if (st2.isSymbolicLink())
          expect(nfs.readlinkSync(join(dump, 'pkg', f))).toBe(nfs.readlinkSync(a));
        else if (st2.isFile())
          expect(nfs.readFileSync(join(dump, 'pkg', f)).equals(nfs.readFileSync(a)), f).toBe(true);
      }
      // the big file and the small files are gone
      expect(debugfs(img, 'ls -l /')).not.toContain('big');
    },
    300_000,
  );

  it('runs the same phases on ramfs', async () => {
    const len = nfs.statSync(tarFile).size;
    const { out, status } = await boot(
      [tarDisk],
      `/bench mb=4 passes=1 random=64 files=50 tar=0:${len}`,
    );
    expect(status, out.slice(-2000)).toBe(0);
    for (const p of PHASES.slice(1))
      expect(out).toMatch(new RegExp(`fsbench: end ${p} \\d+ \\d+\\n`));
    const entries = [...tarEntries(new Uint8Array(nfs.readFileSync(tarFile)))].length;
    expect(out).toMatch(new RegExp(`fsbench: end untar \\d+ ${entries}\\n`));
  }, 300_000);

  it('names a failing call', async () => {
    const { out, status } = await boot([tarDisk], '/m mount=/dev/vda:ext4 phases=mount');
    expect(out).toMatch(/fsbench: failed: mount \/dev\/vda on \/m: errno \d+/);
    expect(status).toBe(1);
  }, 120_000);
});
