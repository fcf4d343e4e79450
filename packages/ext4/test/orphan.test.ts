// The orphan list: a file unlinked while open is chained from s_last_orphan (in the unlink's
// transaction) and freed at its last close; after a crash with it still open, the next mount frees
// it, as e2fsck would. Debian 12's mkfs.ext4 makes the orphan list, not orphan_file.
import * as nfs from 'node:fs';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ext4Fs } from '../src/index';
import { debugfs, fsck, haveE2fs, mkfs, mountImage, rmrf, scratch, vfsOn } from './helpers/image';
import { dumpTree, features, fsckFix } from './helpers/journal';

const top = scratch('rk-ext4-orphan-');
afterAll(() => rmrf(top));

const firstOrphan = (img: string) =>
  /First orphan inode:\s+(\d+)/.exec(debugfs(img, 'stats'))?.[1] ?? null;

async function openFile(v: C.RkVfsCore, path: string, n: number): Promise<number> {
  const fd = await v.open(path, C.O_RDWR | C.O_CREAT, 0o644);
  expect(fd).toBeGreaterThanOrEqual(0);
  expect(await v.pwrite(fd, new Uint8Array(n).fill(7), 0)).toBe(n);
  return fd;
}

describe.skipIf(!haveE2fs)('orphan list', () => {
  it('keeps unlinked open files on the chain and frees them at the last close', async () => {
    const img = mkfs(top, '16M');
    const { v, r, log } = await vfsOn(img);
    expect(r, log.join('')).toBe(0);
    const fs = v.st.mountList[0]!.fs as Ext4Fs;
    const free0 = (await v.statfs('/')) as C.RkStatfs;
    const a = await openFile(v, '/a', 50_000);
    const b = await openFile(v, '/b', 30_000);
    const ia = ((await v.fstat(a)) as C.RkStat).ino;
    const ib = ((await v.fstat(b)) as C.RkStat).ino;
    expect(await v.unlink('/a')).toBe(0);
    expect(await v.unlink('/b')).toBe(0);
    expect(await fs.sync()).toBe(0);
    expect(firstOrphan(img)).toBe(String(ib));
    expect(debugfs(img, `stat <${ib}>`)).toMatch(new RegExp(`dtime: 0x0*${ia.toString(16)}\\b`));
    // the open files still read
    const buf = new Uint8Array(10);
    expect(await v.pread(a, buf, 100)).toBe(10);
    expect(buf[0]).toBe(7);
    expect(await v.close(a)).toBe(0);
    expect(await fs.sync()).toBe(0);
    expect(firstOrphan(img)).toBe(String(ib));
    // the chain's end: debugfs prints no dtime when it is 0
    expect(debugfs(img, `stat <${ib}>`)).not.toMatch(/dtime:/);
    expect(await v.close(b)).toBe(0);
    expect(await fs.sync()).toBe(0);
    expect(firstOrphan(img)).toBeNull();
    const free1 = (await v.statfs('/')) as C.RkStatfs;
    expect(free1.bfree).toBe(free0.bfree);
    expect(await fs.unmount()).toBe(0);
    const [st, out] = fsck(img);
    expect(st, out).toBe(0);
  });

  it('frees what a crash left on the chain at the next mount, as e2fsck does', async () => {
    const img = mkfs(top, '16M');
    const { v, r, log } = await vfsOn(img);
    expect(r, log.join('')).toBe(0);
    const keep = await openFile(v, '/keep', 5000);
    expect(await v.close(keep)).toBe(0);
    const free0 = ((await v.statfs('/')) as C.RkStatfs).bfree;
    const fds = [];
    for (const n of ['x', 'y', 'z']) {
      const fd = await openFile(v, `/${n}`, 40_000);
      expect(await v.unlink(`/${n}`)).toBe(0);
      fds.push(fd);
    }
    expect(await v.fsync(fds[0]!)).toBe(0);
    // the machine stops with the three files open
    const ours = `${img}.ours`;
    const theirs = `${img}.e2fsck`;
    nfs.copyFileSync(img, ours);
    nfs.copyFileSync(img, theirs);
    expect(features(ours)).toContain('needs_recovery');
    const m = await mountImage(ours);
    if ('errno' in m) throw new Error(m.log.join(''));
    expect(m.log.join('')).toContain('released 3 orphan inodes');
    const st = { bfree: 0 } as C.RkStatfs;
    m.fs.statfs(st as never);
    expect(st.bfree).toBe(free0);
    await m.close();
    expect(firstOrphan(ours)).toBeNull();
    const [s1, o1] = fsck(ours);
    expect(s1, o1).toBe(0);
    const [s2, o2] = fsckFix(theirs);
    expect(s2, o2).toBeLessThanOrEqual(1);
    expect(o2).toMatch(/orphan/i);
    expect(dumpTree(top, ours)).toEqual(dumpTree(top, theirs));
  });
});
