// The per-inode mapping cache: a second read of blocks whose runs a lookup found does not walk the
// extent tree again, and every change of the mapping — a hole filled, a truncate, blocks added to a
// block-mapped file, an unlink and a new file on the same inode — is seen by the next read (a stale
// run would read zeros for written data or another file's blocks).
import { O_CREAT, O_RDWR, O_TRUNC, type RkStat } from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ext4Fs } from '../src/index';
import { fsck, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';

const top = scratch('rk-ext4-mapcache-');
afterAll(() => rmrf(top));

const BS = 1024;

function block(tag: number): Uint8Array {
  const b = new Uint8Array(BS);
  for (let i = 0; i < BS; i++) b[i] = (tag * 13 + i) & 0xff || 1;
  return b;
}

async function open(type: 'ext4' | 'ext2') {
  const img = mkfs(top, '16M', { type, args: ['-b', String(BS)] });
  const { v, r, log } = await vfsOn(img);
  expect(r, log.join('')).toBe(0);
  const fs = v.st.mountList[0]!.fs as Ext4Fs;
  const readBlock = async (fd: number, lblk: number) => {
    const got = new Uint8Array(BS);
    expect(await v.pread(fd, got, lblk * BS)).toBe(BS);
    return got;
  };
  return { img, v, fs, readBlock };
}

describe.skipIf(!haveE2fs)('ext4 mapping cache', () => {
  it('a second pass of reads finds every run in the cache, not in the extent tree', async () => {
    const { img, v, fs, readBlock } = await open('ext4');
    const fd = (await v.open('/f', O_CREAT | O_RDWR, 0o644)) as number;
    // every other block: 30 extents, more than i_block holds — a tree with a leaf block
    for (let k = 0; k < 60; k += 2) expect(await v.pwrite(fd, block(k), k * BS)).toBe(BS);
    expect(await v.fsync(fd)).toBe(0);
    const order = Array.from({ length: 59 }, (_, i) => (i * 37) % 59);
    for (const k of order)
      expect(await readBlock(fd, k)).toEqual(k % 2 ? new Uint8Array(BS) : block(k));
    const s = fs.vol.cache.stats;
    const before = s.hits + s.misses;
    for (const k of order)
      expect(await readBlock(fd, k)).toEqual(k % 2 ? new Uint8Array(BS) : block(k));
    // whole-block reads take data straight from the device: a cache look-up is a tree walk
    expect(s.hits + s.misses - before).toBe(0);
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });

  for (const type of ['ext4', 'ext2'] as const)
    it(`every mapping change is seen by the next read (${type})`, async () => {
      const { img, v, fs, readBlock } = await open(type);
      const zero = new Uint8Array(BS);
      let fd = (await v.open('/f', O_CREAT | O_RDWR, 0o644)) as number;
      for (const k of [0, 1, 2, 20, 21]) expect(await v.pwrite(fd, block(k), k * BS)).toBe(BS);
      expect(await v.fsync(fd)).toBe(0);
      // the hole 3..19 is looked up (and cached) as a hole, then filled
      expect(await readBlock(fd, 10)).toEqual(zero);
      expect(await v.pwrite(fd, block(100), 10 * BS)).toBe(BS);
      expect(await v.fsync(fd)).toBe(0);
      expect(await readBlock(fd, 10)).toEqual(block(100));
      expect(await readBlock(fd, 11)).toEqual(zero);
      // cut to 2 blocks and grown again: block 20 is a hole now, not the freed block
      expect(await readBlock(fd, 20)).toEqual(block(20));
      expect(await v.ftruncate(fd, 2 * BS)).toBe(0);
      expect(await v.pwrite(fd, block(200), 30 * BS)).toBe(BS);
      expect(await v.fsync(fd)).toBe(0);
      expect(await readBlock(fd, 20)).toEqual(zero);
      expect(await readBlock(fd, 1)).toEqual(block(1));
      expect(await readBlock(fd, 30)).toEqual(block(200));
      const ino = ((await v.fstat(fd)) as RkStat).ino;
      expect(await v.close(fd)).toBe(0);
      // unlinked and created again (the same inode number comes back): nothing of the old file
      expect(await v.unlink('/f')).toBe(0);
      fd = (await v.open('/g', O_CREAT | O_RDWR | O_TRUNC, 0o644)) as number;
      expect(((await v.fstat(fd)) as RkStat).ino).toBe(ino);
      expect(await v.pwrite(fd, block(7), 5 * BS)).toBe(BS);
      expect(await v.fsync(fd)).toBe(0);
      expect(await readBlock(fd, 1)).toEqual(zero);
      expect(await readBlock(fd, 5)).toEqual(block(7));
      expect(await v.close(fd)).toBe(0);
      expect(await fs.unmount()).toBe(0);
      expect(fsck(img)[0]).toBe(0);
    });
});
