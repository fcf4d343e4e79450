// ext4 answers the calls that touch only cached blocks with the value itself (no Promise, so the
// program is not suspended): a lookup in a small directory whose blocks are cached (SQLite looks
// for its absent journal and lock directory several times per transaction), and utimensat/chmod
// when nobody holds the fs lock and the inode's table block is cached, and a read whose blocks are
// all cached (SQLite rereads its database header at the start of each transaction). What they change is
// committed by the next fsync and survives a power cut (the image replayed by e2fsck); while
// another change holds the lock, they wait for it (a Promise) and apply after it.
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import {
  AT_FDCWD,
  O_CREAT,
  O_DIRECTORY,
  O_RDONLY,
  O_RDWR,
  RkVfsCore,
  UTIME_OMIT,
} from '@runikraft/vfscore';
import type { RkFsTime } from '@runikraft/vfscore/driver';
import { afterAll, describe, expect, it } from 'vitest';
import { createExt4Type, type Ext4Fs } from '../src/index';
import type { Ext4Node } from '../src/node';
import type { FileBlkdev } from './helpers/filedisk';
import { debugfs, disk, E2FSCK, fsck, haveE2fs, mkfs, rmrf, scratch } from './helpers/image';

const top = scratch('rk-ext4-synccalls-');
afterAll(() => rmrf(top));

const T0: RkFsTime = { sec: 1_767_225_600, nsec: 0 };

async function mount(img: string) {
  const { alloc, drv, disks } = disk(img, false, 64 << 20);
  let requests = 0;
  const start = drv.start.bind(drv);
  drv.start = (req) => {
    requests++;
    return start(req);
  };
  const v = new RkVfsCore({ now: () => ({ ...T0 }) });
  v.registerFsType(createExt4Type({ alloc, disks, log: () => {} }));
  expect(await v.mount('/dev/vda', '/', 'ext4', 0, '')).toBe(0);
  const fs = v.st.mountList[0]!.fs as Ext4Fs;
  return { v, fs, drv, requests: () => requests };
}

/** The result, asserted to be a plain value (not a Promise). */
function now<T>(r: T | Promise<T>): T {
  expect(r).not.toBeInstanceOf(Promise);
  return r as T;
}

/** The image as after a power cut now, replayed by e2fsck -fy (exit 1: it corrected it). */
function cut(img: string, name: string): string {
  const out = join(top, name);
  copyFileSync(img, out);
  try {
    execFileSync(E2FSCK, ['-fy', out], { stdio: 'pipe' });
  } catch (e) {
    expect((e as { status: number }).status).toBe(1);
  }
  expect(fsck(out)[0]).toBe(0);
  return out;
}

describe.skipIf(!haveE2fs)('ext4: calls answered from the cache', () => {
  it('lookups in a cached small directory answer at once, found or absent, without I/O', async () => {
    const img = mkfs(top, '32M');
    const { v, fs, requests } = await mount(img);
    const fd = (await v.open('/db', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.mkdir('/sub', 0o755)).toBe(0);
    const root = fs.root as Ext4Node;
    const before = requests();
    expect(now(fs.lookup(root, 'db-journal'))).toBe(-Errno.ENOENT);
    expect(now(fs.lookup(root, 'db.lock'))).toBe(-Errno.ENOENT);
    const db = now(fs.lookup(root, 'db'));
    expect(typeof db !== 'number' && db.ino).toBeGreaterThan(0);
    const sub = now(fs.lookup(root, 'sub')) as Ext4Node;
    expect(sub.type).toBe(0o040000);
    expect(requests()).toBe(before);
    // a new directory's block was written, not read and checked: the first lookup takes the
    // checking path, and its answer is the same
    expect(await fs.lookup(sub, 'x')).toBe(-Errno.ENOENT);
    // through vfscore: an absent name's open without O_CREAT fails at once
    expect(now(v.openat(AT_FDCWD, '/db-journal', O_RDONLY, 0))).toBe(-Errno.ENOENT);
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });

  it('a lookup whose directory block is not cached reads it (a Promise), with the same answers', async () => {
    const img = mkfs(top, '32M');
    const first = await mount(img);
    const fd = (await first.v.open('/kept', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await first.v.close(fd)).toBe(0);
    expect(await first.fs.unmount()).toBe(0);
    // a fresh mount: the root's block is read on first use
    const { fs } = await mount(img);
    const root = fs.root as Ext4Node;
    const cold = fs.lookup(root, 'kept');
    const viaPromise = await cold;
    expect(typeof viaPromise !== 'number' && viaPromise.ino).toBeGreaterThan(0);
    expect(now(fs.lookup(root, 'kept'))).toBe(viaPromise);
    expect(now(fs.lookup(root, 'gone'))).toBe(-Errno.ENOENT);
    expect(await fs.unmount()).toBe(0);
  });

  it('a read of cached blocks answers at once; one that needs the device reads (a Promise)', async () => {
    const img = mkfs(top, '32M');
    const first = await mount(img);
    // more blocks than one read-ahead brings in (16)
    const bytes = new Uint8Array(24 * 4096).map((_, i) => (i * 7 + (i >> 12)) & 0xff);
    const fd = (await first.v.open('/db', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await first.v.pwrite(fd, bytes, 0)).toBe(bytes.length);
    expect(await first.v.close(fd)).toBe(0);
    expect(await first.fs.unmount()).toBe(0);
    const { v, requests } = await mount(img);
    const f = (await v.open('/db', O_RDWR, 0)) as number;
    const head = new Uint8Array(100);
    // cold: the block comes from the device
    expect(v.pread(f, head, 0)).toBeInstanceOf(Promise);
    expect(await v.pread(f, head, 0)).toBe(100);
    expect(head).toEqual(bytes.subarray(0, 100));
    // cached now: the header again, and a part, at once and without a request
    const before = requests();
    head.fill(0);
    expect(now(v.pread(f, head, 0))).toBe(100);
    expect(head).toEqual(bytes.subarray(0, 100));
    const part = new Uint8Array(16);
    expect(now(v.pread(f, part, 24))).toBe(16);
    expect(part).toEqual(bytes.subarray(24, 40));
    expect(now(v.pread(f, part, bytes.length))).toBe(0);
    expect(requests()).toBe(before);
    // a read over blocks past the read-ahead goes to the device, and gets every byte right
    const tail = new Uint8Array(5 * 4096);
    const got = v.pread(f, tail, 20 * 4096 - 10);
    expect(got).toBeInstanceOf(Promise);
    expect(await got).toBe(4 * 4096 + 10);
    expect(tail.subarray(0, 4 * 4096 + 10)).toEqual(bytes.subarray(20 * 4096 - 10));
    expect(requests()).toBeGreaterThan(before);
    expect(await v.close(f)).toBe(0);
  });

  it('utimensat and chmod answer at once and are committed by the next fsync', async () => {
    const img = mkfs(top, '32M');
    const { v, fs } = await mount(img);
    expect(await v.mkdir('/db.lock', 0o777)).toBe(0);
    const dir = (await v.open('/', O_RDONLY | O_DIRECTORY, 0)) as number;
    expect(await v.fsync(dir)).toBe(0);
    const commits = fs.journal!.stats.commits;
    const t = { sec: 1_700_000_123, nsec: 0 };
    expect(now(v.utimensat(AT_FDCWD, '/db.lock', [{ sec: 0, nsec: UTIME_OMIT }, t], 0))).toBe(0);
    const node = now(fs.lookup(fs.root as Ext4Node, 'db.lock')) as Ext4Node;
    expect(now(fs.setattr(node, { mode: 0o700 }))).toBe(0);
    const st = now(v.stat('/db.lock'));
    expect(typeof st !== 'number' && st.mtime).toEqual(t);
    // nothing committed yet; fsync of the directory commits the running transaction
    expect(fs.journal!.stats.commits).toBe(commits);
    const lock = (await v.open('/db.lock', O_RDONLY | O_DIRECTORY, 0)) as number;
    expect(await v.fsync(lock)).toBe(0);
    expect(fs.journal!.stats.commits).toBe(commits + 1);
    const after = cut(img, 'times.img');
    const stat = debugfs(after, 'stat /db.lock');
    expect(stat).toMatch(/Mode:\s+0700/);
    expect(stat).toMatch(/mtime: 0x6553f17b/); // 1,700,000,123
    expect(await v.close(lock)).toBe(0);
    expect(await v.close(dir)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });

  it('while another change holds the lock, utimensat waits for it and applies after it', async () => {
    const img = mkfs(top, '32M');
    const { v, fs, drv } = await mount(img);
    const fd = (await v.open('/f', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.fsync(fd)).toBe(0);
    // a mkdir that parks on the device (it completes requests only after the caller waited)
    // holds the lock meanwhile
    (drv as FileBlkdev).later = true;
    const made = v.mkdir('/d', 0o755);
    expect(made).toBeInstanceOf(Promise);
    const t = { sec: 1_600_000_000, nsec: 0 };
    const stamped = v.utimensat(AT_FDCWD, '/f', [t, t], 0);
    expect(stamped).toBeInstanceOf(Promise);
    expect(await made).toBe(0);
    expect(await stamped).toBe(0);
    const st = now(v.stat('/f'));
    expect(typeof st !== 'number' && st.mtime).toEqual(t);
    expect(await v.fsync(fd)).toBe(0);
    expect(debugfs(cut(img, 'waited.img'), 'stat /f')).toMatch(/mtime: 0x5f5e1000/);
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });
});
