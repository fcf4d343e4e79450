// The journal across a power cut, booted: ext4-journal writes and fsyncs files on a virtio-blk disk
// made by mkfs.ext4 and the machine stops without unmounting; the next boot replays the journal at
// mount and every fsync'd file reads back with its size and crc32c; the disk is then clean for
// e2fsck -fn and holds the tree e2fsck -fy's own replay of the cut image gives.
import * as nfs from 'node:fs';
import { buildImage } from '@runikraft/rk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c } from '../../../packages/ext4/src/crc32c';
import { fsck, haveE2fs, mkfs, rmrf, scratch } from '../../../packages/ext4/test/helpers/image';
import { dumpTree, features, fsckFix } from '../../../packages/ext4/test/helpers/journal';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { type GuestImage, loadImage } from '../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/args';

const top = scratch('rk-ext4-journal-');
afterAll(() => rmrf(top));
let entry: GuestImage;
beforeAll(async () => {
  const { imagePath } = await buildImage(new URL('..', import.meta.url).pathname);
  entry = loadImage(imagePath);
}, 120_000);

async function boot(
  img: string,
  args: string,
): Promise<{ lines: string[]; out: string; status: number }> {
  const plan = await createVirtioDevicesFromArgs({
    drive: [`file=${img},if=none,format=raw,id=d0`],
    device: ['virtio-blk-device,drive=d0'],
  });
  let out = '';
  const m = new Machine({
    console: (t) => {
      out += t;
    },
    clock: 'virtual',
    memory: 128 << 20,
    append: `vfs.fstab=/dev/vda:/data:ext4:0::mkmp -- ${args}`,
  });
  for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
  const exit = await m.boot(entry);
  await plan.close();
  const lines = out
    .split('\n')
    .filter((l) => l.startsWith('ext4-journal: '))
    .map((l) => l.slice('ext4-journal: '.length));
  return { lines, out, status: exit.status };
}

const pick = (lines: string[], kind: string) =>
  new Map(
    lines
      .filter((l) => l.startsWith(`${kind} `))
      .map((l) => {
        const [, name, size, crc] = l.split(' ');
        return [name!, `${size} ${crc}`] as const;
      }),
  );

describe.skipIf(!haveE2fs)('ext4-journal app over virtio-blk', () => {
  it('fsync survives a power cut: the next boot replays, e2fsck agrees', async () => {
    const img = mkfs(top, '32M');
    const first = await boot(img, 'write crash');
    expect(first.lines, first.out.slice(-3000)).toContain('power cut');
    const synced = pick(first.lines, 'synced');
    expect(synced.size).toBe(12);
    expect(features(img)).toContain('needs_recovery');
    const cut = `${img}.cut`;
    nfs.copyFileSync(img, cut);

    const second = await boot(img, 'check');
    expect(second.status, second.out.slice(-3000)).toBe(0);
    expect(second.out).toMatch(/ext4: \/dev\/vda: journal replayed: [1-9]\d* transactions/);
    // no explicit umount: main returns and vfscore's term unmounts (checkpoint, needs_recovery off)
    expect(second.lines).toContain('returning');
    const have = pick(second.lines, 'have');
    for (const [name, v] of synced) {
      // f-0-3 was unlinked after its fsync (not synced): gone or intact
      if (name === 'f-0-3' && !have.has(name)) continue;
      expect(have.get(name), name).toBe(v);
    }
    expect(features(img)).not.toContain('needs_recovery');
    const [st, out] = fsck(img);
    expect(st, out).toBe(0);
    const [fst, fout] = fsckFix(cut);
    expect(fout).toContain('recovering journal');
    expect(fst, fout).toBeLessThanOrEqual(1);
    expect(dumpTree(top, img)).toEqual(dumpTree(top, cut));
  }, 300_000);

  // The shutdown paths that must leave a clean image behind — main returning, and rkboot's shutdown
  // called from main — and the one that must not write (a panic): e2fsck -fn on the image as the
  // machine left it, debugfs showing what the app wrote, no replay by anyone.
  const cleanAfter = async (how: string) => {
    const img = mkfs(top, '32M');
    const run = await boot(img, `write ${how}`.trim());
    expect(run.status, run.out.slice(-3000)).toBe(0);
    expect(run.out).not.toMatch(/vfscore: .*(unmounting|syncing|closing)/);
    expect(features(img)).not.toContain('needs_recovery');
    const [st, out] = fsck(img);
    expect(st, out).toBe(0);
    const tree = dumpTree(top, img);
    const want = [...pick(run.lines, 'synced').keys()].filter((n) => n !== 'f-0-3');
    for (let i = 0; i < 6; i++) want.push(`u-0-${i}`);
    expect([...tree.keys()].sort()).toEqual(want.map((n) => `/${n}`).sort());
    for (const [name, v] of pick(run.lines, 'synced')) {
      if (name === 'f-0-3') continue;
      const data = Buffer.from(tree.get(`/${name}`)!.data!, 'base64');
      expect(`${data.length} ${(crc32c(0xffffffff, data) >>> 0).toString(16)}`, name).toBe(v);
    }
  };
  it('main returning unmounts /data: e2fsck -fn clean, no recovery, debugfs shows the files', async () => {
    await cleanAfter('');
  }, 300_000);
  it("rkboot's shutdown from main runs the terms first: clean as well", async () => {
    await cleanAfter('halt');
  }, 300_000);
  it('a panic powers off without writing: the journal keeps the commits for the next mount', async () => {
    const img = mkfs(top, '32M');
    const run = await boot(img, 'write throw');
    expect(run.status).not.toBe(0);
    expect(run.out).toContain('PANIC');
    expect(features(img)).toContain('needs_recovery');
    const next = await boot(img, 'check');
    expect(next.status, next.out.slice(-3000)).toBe(0);
    expect(next.out).toMatch(/journal replayed/);
    const have = pick(next.lines, 'have');
    for (const [name, v] of pick(run.lines, 'synced'))
      if (name !== 'f-0-3') expect(have.get(name), name).toBe(v);
    const [st, out] = fsck(img);
    expect(st, out).toBe(0);
  }, 300_000);
});
