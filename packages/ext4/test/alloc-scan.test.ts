// The block allocator remembers, per group, a range of its bitmap known to be full, so allocations
// near one goal do not walk every block in use again. It must never hide a free block: after any
// mix of allocations and frees, a new file's first block is the first free block from the goal
// (the inode table), the one debugfs's ffb finds on the same image, and a disk filled up to its
// last block takes one more block where one was freed.
import { Errno } from '@runikraft/errno';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ext4Fs } from '../src/index';
import { debugfs, fsck, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';

const top = scratch('rk-ext4-allocscan-');
afterAll(() => rmrf(top));

async function writeFile(v: C.RkVfsCore, path: string, bytes: number): Promise<number> {
  const fd = await v.open(path, C.O_WRONLY | C.O_CREAT, 0o644);
  expect(fd, path).toBeGreaterThanOrEqual(0);
  const n = await v.pwrite(fd, new Uint8Array(bytes).fill(0x5a), 0);
  expect(await v.close(fd)).toBe(0);
  return n;
}

/** The blocks of `path` on the image, as debugfs lists them. */
const blocksOf = (img: string, path: string) =>
  debugfs(img, `blocks ${path}`).trim().split(/\s+/).map(Number);

/** The first free block at or after `goal` on the image (debugfs ffb, which wraps round). */
function firstFree(img: string, goal: number): number {
  const m = /Free blocks found:\s*(\d+)/.exec(debugfs(img, `ffb 1 ${goal}`));
  expect(m, `ffb 1 ${goal}`).not.toBeNull();
  return Number(m![1]);
}

/** Group 0's inode table: the goal of a new file's first block there. */
function inodeTable(img: string): number {
  const m = /inode table at (\d+)/i.exec(debugfs(img, 'stats'));
  return Number(m![1]);
}

describe.skipIf(!haveE2fs)('ext4 block allocation after frees', () => {
  it("puts a new file's first block at the first free block from the goal, as ffb finds it", async () => {
    // one block group (4 MiB of 1 KiB blocks): every new file's goal is the same inode table
    const img = mkfs(top, '4M', { args: ['-b', '1024'] });
    const { v, r, log } = await vfsOn(img);
    expect(r, log.join('')).toBe(0);
    const fs = v.st.mountList[0]!.fs as Ext4Fs;
    const goal = inodeTable(img);
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const live: string[] = [];
    let made = 0;
    const reused: number[] = [];
    for (let round = 0; round < 25; round++) {
      for (let k = rand(4); k > 0 && live.length > 0; k--)
        expect(await v.unlink(live.splice(rand(live.length), 1)[0]!)).toBe(0);
      for (let k = 1 + rand(4); k > 0; k--) {
        const p = `/f${made++}`;
        expect(await writeFile(v, p, 1024 * (1 + rand(40)))).toBeGreaterThan(0);
        live.push(p);
      }
      // committed and checkpointed: the image holds the bitmap, and no freed block is held back
      expect(await fs.sync()).toBe(0);
      const want = firstFree(img, goal);
      const p = `/f${made++}`;
      expect(await writeFile(v, p, 1024)).toBe(1024);
      expect(await fs.sync()).toBe(0);
      expect(blocksOf(img, p), `round ${round}`).toEqual([want]);
      live.push(p);
      reused.push(want);
    }
    // the frees left holes that later files took (the first free block was not always the last)
    expect(new Set(reused).size).toBeGreaterThan(1);
    expect(Math.min(...reused)).toBeLessThan(Math.max(...reused));
    expect(fsck(img)[0]).toBe(0);
  }, 120_000);

  it('finds the one block freed on a full disk', async () => {
    const img = mkfs(top, '2M', { args: ['-b', '1024', '-N', '64'] });
    const { v, r, log } = await vfsOn(img);
    expect(r, log.join('')).toBe(0);
    const fs = v.st.mountList[0]!.fs as Ext4Fs;
    for (let i = 0; i < 8; i++) expect(await writeFile(v, `/s${i}`, 1024)).toBe(1024);
    // fill the rest one block at a time (each allocation scans on from the last)
    let blocks = 0;
    for (;;) {
      const fd = await v.open('/fill', C.O_WRONLY | C.O_CREAT | C.O_APPEND, 0o644);
      const n = await v.write(fd, new Uint8Array(1024));
      const c = await v.close(fd);
      if (n === -Errno.ENOSPC || c === -Errno.ENOSPC) break;
      expect(n).toBe(1024);
      blocks++;
    }
    expect(blocks).toBeGreaterThan(100);
    expect(await fs.sync()).toBe(0);
    const freed = blocksOf(img, '/s3');
    expect(await v.unlink('/s3')).toBe(0);
    expect(await fs.sync()).toBe(0);
    expect(await writeFile(v, '/again', 1024)).toBe(1024);
    expect(await fs.sync()).toBe(0);
    expect(blocksOf(img, '/again')).toEqual(freed);
    expect(fsck(img)[0]).toBe(0);
  }, 120_000);
});
