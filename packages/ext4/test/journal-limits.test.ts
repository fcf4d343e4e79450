// The journal's limits under ordinary use. A write whose metadata would not fit half the log (one
// write(2) over hundreds of block groups on a minimum 1,024-block journal) goes through as several
// transactions, and so does freeing it; a full disk answers ENOSPC (a short write where some of it
// fitted) and stays consistent. Every case ends with e2fsck -fn clean and debugfs reading back.
import { createHash } from 'node:crypto';
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ext4Fs } from '../src/index';
import { debugfs, fsck, haveE2fs, mkfs, mountImage, rmrf, scratch, vfsOn } from './helpers/image';

const top = scratch('rk-ext4-limits-');
afterAll(() => rmrf(top));

const pattern = (n: number, seed: number) => {
  const b = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i += 4) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b[i] = s >>> 24;
    b[i + 1] = s >>> 16;
    b[i + 2] = s >>> 8;
    b[i + 3] = s;
  }
  return b;
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function dumpSha(img: string, path: string): string {
  const out = join(top, `dump-${Math.random().toString(36).slice(2)}`);
  debugfs(img, `dump ${path} ${out}`);
  return sha(nfs.readFileSync(out));
}

describe.skipIf(!haveE2fs)('jbd2 limits', () => {
  it('a write over more block groups than half the log holds goes in several transactions', async () => {
    // 256 blocks per group (no resize inode, else mkfs turns meta_bg on): 160 MiB of data touch
    // ~640 bitmaps, more than half of a 1,024-block log
    const img = mkfs(top, '300M', {
      args: ['-b', '1024', '-g', '256', '-O', '^resize_inode', '-J', 'size=1'],
    });
    const { v, r, log } = await vfsOn(img);
    expect(r, log.join('')).toBe(0);
    const fs = v.st.mountList[0]!.fs as Ext4Fs;
    const j = fs.journal!;
    const data = pattern(160 << 20, 7);
    const fd = await v.open('/big', C.O_WRONLY | C.O_CREAT, 0o644);
    expect(await v.pwrite(fd, data, 0), log.join('')).toBe(data.length);
    expect(await v.fsync(fd)).toBe(0);
    expect(await v.close(fd)).toBe(0);
    expect(j.stats.commits).toBeGreaterThan(2);
    expect(log.join('')).not.toMatch(/does not fit/);
    // a second one beside it, then the first goes: freeing it is as many groups' bitmaps
    const fd2 = await v.open('/big2', C.O_WRONLY | C.O_CREAT, 0o644);
    expect(await v.pwrite(fd2, data.subarray(0, 100 << 20), 5000)).toBe(100 << 20);
    expect(await v.close(fd2)).toBe(0);
    expect(await v.unlink('/big')).toBe(0);
    expect(await v.truncate('/big2', 70_000)).toBe(0);
    expect(log.join('')).not.toMatch(/does not fit/);
    expect(await v.shutdown()).toEqual([]);
    const [st, out] = fsck(img);
    expect(st, out).toBe(0);
    expect(debugfs(img, 'ls -l /')).not.toMatch(/ big\n/);
    const want = new Uint8Array(5000 + (100 << 20));
    want.set(data.subarray(0, 100 << 20), 5000);
    expect(dumpSha(img, '/big2')).toBe(sha(want.subarray(0, 70_000)));
  }, 180_000);

  for (const type of ['ext4', 'ext3'])
    it(`a full disk: ENOSPC, a short write where part fitted, and e2fsck -fn clean (${type})`, async () => {
      const img = mkfs(top, '8M', { type, args: ['-b', '1024', '-N', '64'] });
      const { v, r, log } = await vfsOn(img);
      expect(r, log.join('')).toBe(0);
      const written = new Map<string, number>();
      let full = false;
      for (let i = 0; i < 40 && !full; i++) {
        const path = `/f${i}`;
        const fd = await v.open(path, C.O_WRONLY | C.O_CREAT, 0o644);
        expect(fd, path).toBeGreaterThanOrEqual(0);
        const data = pattern(1 << 20, i);
        const n = await v.pwrite(fd, data, 0);
        if (n === -Errno.ENOSPC) full = true;
        else {
          expect(n, path).toBeGreaterThan(0);
          if (n < data.length) full = true;
        }
        written.set(path, Math.max(n, 0));
        expect(await v.close(fd)).toBe(0);
      }
      expect(full).toBe(true);
      expect([...written.values()].some((n) => n > 0 && n < 1 << 20)).toBe(true);
      // the disk is full now: another write, a directory and a symlink's block are refused
      const fd = await v.open('/more', C.O_WRONLY | C.O_CREAT, 0o644);
      if (fd >= 0) {
        expect(await v.pwrite(fd, pattern(64 << 10, 99), 0)).toBe(-Errno.ENOSPC);
        expect(await v.close(fd)).toBe(0);
        written.set('/more', 0);
      } else expect(fd).toBe(-Errno.ENOSPC);
      // out of inodes: -N 64 gave few; creating files until it says ENOSPC
      let inodes = 0;
      for (let i = 0; i < 200; i++) {
        const f = await v.open(`/e${i}`, C.O_WRONLY | C.O_CREAT, 0o644);
        if (f === -Errno.ENOSPC) break;
        expect(f).toBeGreaterThanOrEqual(0);
        expect(await v.close(f)).toBe(0);
        inodes++;
      }
      expect(inodes).toBeLessThan(200);
      expect(await v.mkdir('/d', 0o755)).toBe(-Errno.ENOSPC);
      // freeing gives the space back
      expect(await v.unlink('/f0')).toBe(0);
      written.delete('/f0');
      expect(await v.mkdir('/d', 0o755)).toBe(0);
      expect(await v.shutdown()).toEqual([]);
      const [st, out] = fsck(img);
      expect(st, out).toBe(0);
      for (const [path, n] of written) {
        const want = pattern(1 << 20, Number(path.slice(2))).subarray(0, n);
        expect(dumpSha(img, path), path).toBe(sha(path === '/more' ? new Uint8Array() : want));
      }
    }, 120_000);

  it('a power cut part way through freeing a big file: it is on the orphan chain, the next mount frees the rest', async () => {
    // 16 MiB handles here (64 groups of 256 KiB): a 100 MiB file is freed in seven steps, and the
    // transaction (~70 blocks a step) is due for a commit at a quarter of the log, part way
    const img = mkfs(top, '200M', {
      args: ['-b', '1024', '-g', '256', '-O', '^resize_inode', '-J', 'size=1'],
    });
    const { v, r, log } = await vfsOn(img);
    expect(r, log.join('')).toBe(0);
    const fs = v.st.mountList[0]!.fs as Ext4Fs;
    const j = fs.journal!;
    const keep = pattern(300_000, 3);
    for (const [path, data] of [
      ['/big', pattern(100 << 20, 5)],
      ['/keep', keep],
    ] as const) {
      const fd = await v.open(path, C.O_WRONLY | C.O_CREAT, 0o644);
      expect(await v.pwrite(fd, data, 0)).toBe(data.length);
      expect(await v.fsync(fd)).toBe(0);
      expect(await v.close(fd)).toBe(0);
    }
    const free0 = (await v.statfs('/')) as { bfree: number };
    // the disk as it is right after the unlink's first commit: the power is cut there
    const cut = `${img}.cut`;
    const commit = j.commit.bind(j);
    let commits = 0;
    j.commit = async (now) => {
      const c = await commit(now);
      if (++commits === 1) nfs.copyFileSync(img, cut);
      return c;
    };
    expect(await v.unlink('/big')).toBe(0);
    expect(commits).toBeGreaterThanOrEqual(1);
    const m = await mountImage(cut);
    if ('errno' in m) throw new Error(m.log.join(''));
    expect(m.log.join('')).toMatch(/journal replayed/);
    expect(m.log.join('')).toMatch(/orphan/);
    const st = { bfree: 0 } as Parameters<Ext4Fs['statfs']>[0];
    m.fs.statfs(st);
    await m.close();
    const [status, out] = fsck(cut);
    expect(status, out).toBe(0);
    expect(debugfs(cut, 'ls -l /')).not.toMatch(/ big\n/);
    expect(dumpSha(cut, '/keep')).toBe(sha(keep));
    // every block of /big came back (100 MiB plus its tree)
    expect(st.bfree - free0.bfree).toBeGreaterThanOrEqual(100 << 10);
  }, 120_000);
});
