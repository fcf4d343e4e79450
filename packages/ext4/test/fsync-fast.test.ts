// fsync without a commit when none is needed (ext4_sync_file's i_sync_tid check): a file whose
// metadata last changed in a transaction already committed — an overwrite inside its blocks within
// one clock tick changes no byte of its inode — gets its data written and one barrier, no log; a
// write that allocates, a size change, a new stamp, or a directory whose entries changed still
// commit. What fsync returned for survives a power cut (e2fsck's replay of the image taken right
// then). SQLite's autocommit insert on a coarse clock (as booted: vfscore's 1 ms file-time clock)
// pins its request counts. Held small writes are not pushed out by a utimes of another file or by
// a read past the end.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AT_FDCWD,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  RkVfsCore,
} from '@runikraft/vfscore';
import type { RkFsTime } from '@runikraft/vfscore/driver';
import { afterAll, describe, expect, it } from 'vitest';
import { createExt4Type, type Ext4Fs } from '../src/index';
import { debugfs, disk, E2FSCK, fsck, haveE2fs, mkfs, rmrf, scratch } from './helpers/image';

const top = scratch('rk-ext4-fsyncfast-');
afterAll(() => rmrf(top));

/** A file-time clock the test moves: equal stamps within a "tick", as a coarse clock gives. */
function clock() {
  const t = { sec: 1_767_225_600, nsec: 0 };
  return {
    now: (): RkFsTime => ({ sec: t.sec, nsec: t.nsec }),
    tick() {
      t.nsec += 1_000_000;
    },
  };
}

async function mount(img: string) {
  const { alloc, drv, disks } = disk(img, false, 64 << 20);
  const reqs: { op: string; sector: number; bytes: number }[] = [];
  const start = drv.start.bind(drv);
  drv.start = (req) => {
    reqs.push({ op: req.op, sector: req.sector, bytes: req.nbSectors * 512 });
    return start(req);
  };
  const c = clock();
  const v = new RkVfsCore({ now: c.now });
  v.registerFsType(createExt4Type({ alloc, disks, log: () => {} }));
  expect(await v.mount('/dev/vda', '/', 'ext4', 0, '')).toBe(0);
  const fs = v.st.mountList[0]!.fs as Ext4Fs;
  const counts = () => ({
    writes: reqs.filter((r) => r.op === 'write').length,
    flushes: reqs.filter((r) => r.op === 'flush').length,
  });
  return { v, fs, reqs, clock: c, counts };
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
  expect(fsck(out)).toEqual([0, expect.any(String)]);
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);

/** Home blocks named by the tags of the jbd2 descriptor block at byte `at` of `img` (csum v3 tags). */
function logged(img: string, at: number, bytes: number): number[] {
  const b = readFileSync(img).subarray(at, at + bytes);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  expect(dv.getUint32(0)).toBe(0xc03b3998); // jbd2 magic
  expect(dv.getUint32(4)).toBe(1); // a descriptor block
  const out: number[] = [];
  for (let t = 12; t + 16 <= 1024 - 4; ) {
    out.push(dv.getUint32(t) + dv.getUint32(t + 8) * 2 ** 32);
    const flags = dv.getUint32(t + 4);
    t += 16 + (flags & 2 ? 0 : 16); // SAME_UUID, else a UUID follows
    if (flags & 8) break; // LAST_TAG
  }
  return out;
}

describe.skipIf(!haveE2fs)('ext4 fsync fast path', () => {
  it('an overwrite within one tick: data and one barrier, no commit; durable across a power cut', async () => {
    const img = mkfs(top, '32M', { args: ['-b', '1024'] });
    const { v, fs, reqs, clock, counts } = await mount(img);
    const fd = (await v.open('/f', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.pwrite(fd, text('a'.repeat(3000)), 0)).toBe(3000);
    expect(await v.fsync(fd)).toBe(0);
    const j = fs.journal!;
    let commits = j.stats.commits;
    // same tick: the inode does not change, nothing is logged
    reqs.length = 0;
    expect(await v.pwrite(fd, text('new head'), 0)).toBe(8);
    expect(await v.pwrite(fd, text('new tail'), 2500)).toBe(8);
    expect(await v.fsync(fd)).toBe(0);
    expect(j.stats.commits).toBe(commits);
    expect(counts()).toEqual({ writes: 2, flushes: 1 }); // blocks 0 and 2, then the barrier
    expect(reqs[reqs.length - 1]!.op).toBe('flush');
    const after = cut(img, 'fast.img');
    const want = `new head${'a'.repeat(2492)}new tail${'a'.repeat(492)}`;
    expect(debugfs(after, 'cat /f')).toBe(want);
    // nothing changed since: no request at all
    reqs.length = 0;
    expect(await v.fsync(fd)).toBe(0);
    expect(reqs).toEqual([]);
    // a new stamp (next tick): the inode changed, so the transaction commits
    clock.tick();
    expect(await v.pwrite(fd, text('Z'), 0)).toBe(1);
    reqs.length = 0;
    expect(await v.fsync(fd)).toBe(0);
    expect(j.stats.commits).toBe(++commits);
    expect(counts().flushes).toBe(2);
    // an append in the same tick allocates (and grows the size): commits
    reqs.length = 0;
    expect(await v.pwrite(fd, text('b'.repeat(2000)), 3000)).toBe(2000);
    expect(await v.fsync(fd)).toBe(0);
    expect(j.stats.commits).toBe(++commits);
    expect(counts().flushes).toBe(2);
    expect(debugfs(cut(img, 'append.img'), 'cat /f')).toBe(`Z${want.slice(1)}${'b'.repeat(2000)}`);
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });

  it("a new file's partial last block goes out with its whole blocks and stays cached", async () => {
    const img = mkfs(top, '32M', { args: ['-b', '1024'] });
    const { v, fs, reqs } = await mount(img);
    const fd = (await v.open('/t', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.pwrite(fd, text('t'.repeat(2500)), 0)).toBe(2500);
    reqs.length = 0;
    expect(await v.fsync(fd)).toBe(0);
    // blocks 0-2 (the last one partial) in one request, before the commit's log writes
    const writes = reqs.filter((r) => r.op === 'write');
    expect(writes[0]!.bytes).toBe(3 * 1024);
    expect(writes.filter((r) => r.sector === writes[0]!.sector + 4)).toEqual([]); // block 2 alone
    // an append into the partial block finds it cached: no read
    reqs.length = 0;
    expect(await v.pwrite(fd, text('u'.repeat(100)), 2500)).toBe(100);
    expect(await v.fsync(fd)).toBe(0);
    expect(reqs.filter((r) => r.op === 'read')).toEqual([]);
    expect(debugfs(cut(img, 'tail.img'), 'cat /t')).toBe(`${'t'.repeat(2500)}${'u'.repeat(100)}`);
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
  });

  it("a partial last block is zero past the file's end, in the cache and on the disk", async () => {
    const img = mkfs(top, '32M', { args: ['-b', '1024'] });
    const { v, fs } = await mount(img);
    // a longer run first: the buffer runs are padded in is reused, with its bytes left in it
    const a = (await v.open('/a', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.pwrite(a, new Uint8Array(7000).fill(0xaa), 0)).toBe(7000);
    expect(await v.fsync(a)).toBe(0);
    const b = (await v.open('/b', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.pwrite(b, new Uint8Array(2100).fill(0xbb), 0)).toBe(2100);
    expect(await v.fsync(b)).toBe(0);
    // grown inside its last block: the bytes past the old end read as zeros
    expect(await v.ftruncate(b, 3072)).toBe(0);
    const back = new Uint8Array(3072);
    expect(await v.pread(b, back, 0)).toBe(3072);
    expect(back.subarray(2100).every((x) => x === 0)).toBe(true);
    expect(await v.fsync(b)).toBe(0);
    const disk = execFileSync('/usr/sbin/debugfs', ['-R', 'cat /b', cut(img, 'pad.img')], {
      stdio: 'pipe',
    });
    expect(disk.length).toBe(3072);
    expect(disk.subarray(0, 2100).every((x) => x === 0xbb)).toBe(true);
    expect(disk.subarray(2100).every((x) => x === 0)).toBe(true);
    expect(await v.close(a)).toBe(0);
    expect(await v.close(b)).toBe(0);
    expect(await fs.unmount()).toBe(0);
  });

  it('commits log no super block for free counts alone; sync and unmount store them', async () => {
    const img = mkfs(top, '32M', { args: ['-b', '1024'] });
    const { v, fs, reqs } = await mount(img);
    const fd = (await v.open('/h', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.pwrite(fd, text('h'.repeat(5000)), 0)).toBe(5000);
    reqs.length = 0;
    expect(await v.fsync(fd)).toBe(0);
    // the log written by this commit: descriptor + copies, one request; its tags name home blocks
    const log = reqs.filter((r) => r.op === 'write').sort((a, b) => b.bytes - a.bytes)[0]!;
    const home = logged(img, log.sector * 512, log.bytes);
    expect(home.length).toBeGreaterThan(2); // bitmaps, descriptor, inode table, directory
    expect(home).not.toContain(1); // the super block (block 1 with 1 KiB blocks)
    // a power cut now leaves stale counts in the super block (the descriptors are right): the
    // replayed image is clean for e2fsck, as after Linux's ext4, and holds the file
    expect(debugfs(cut(img, 'counts.img'), 'cat /h')).toBe('h'.repeat(5000));
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    const [st2, out2] = fsck(img);
    expect(st2).toBe(0);
    expect(out2).not.toMatch(/count wrong/);
  });

  it('a file written in place is not fast while another change to it is uncommitted', async () => {
    const img = mkfs(top, '32M', { args: ['-b', '1024'] });
    const { v, fs, counts, reqs } = await mount(img);
    const fd = (await v.open('/g', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.pwrite(fd, text('x'.repeat(2048)), 0)).toBe(2048);
    expect(await v.fsync(fd)).toBe(0);
    // chmod joins the running transaction; the in-place write after it must not skip the commit
    expect(await v.fchmod(fd, 0o600)).toBe(0);
    expect(await v.pwrite(fd, text('y'), 0)).toBe(1);
    const commits = fs.journal!.stats.commits;
    reqs.length = 0;
    expect(await v.fsync(fd)).toBe(0);
    expect(fs.journal!.stats.commits).toBe(commits + 1);
    expect(counts().flushes).toBe(2);
    const after = cut(img, 'chmod.img');
    expect(debugfs(after, 'stat /g')).toMatch(/Mode:\s+0600/);
    expect(debugfs(after, 'cat /g')).toBe(`y${'x'.repeat(2047)}`);
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
  });

  it("a directory's fsync commits its new entries even when its inode's bytes are unchanged", async () => {
    const img = mkfs(top, '32M', { args: ['-b', '1024'] });
    const { v, fs, counts, reqs } = await mount(img);
    expect(await v.mkdir('/d', 0o755)).toBe(0);
    const dfd = (await v.open('/d', O_RDONLY | O_DIRECTORY, 0)) as number;
    expect(await v.fsync(dfd)).toBe(0);
    // same tick: the new entry changes /d's block, not its inode (mtime and size are the same)
    const fd = (await v.open('/d/new', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.close(fd)).toBe(0);
    const commits = fs.journal!.stats.commits;
    reqs.length = 0;
    expect(await v.fsync(dfd)).toBe(0);
    expect(fs.journal!.stats.commits).toBe(commits + 1);
    expect(counts().flushes).toBe(2);
    expect(debugfs(cut(img, 'dir.img'), 'ls -l /d')).toContain('new');
    expect(await v.close(dfd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
  });

  it('an inode stored with its bytes unchanged is not logged again; a changed one is', async () => {
    const img = mkfs(top, '32M', { args: ['-b', '1024'] });
    const { v, fs, counts, reqs } = await mount(img);
    const fd = (await v.open('/f', O_CREAT | O_RDWR, 0o644)) as number;
    expect(await v.fsync(fd)).toBe(0);
    const commits = fs.journal!.stats.commits;
    reqs.length = 0;
    // the same mode within the same tick: ctime is stamped with the same time, no byte changes
    expect(await v.fchmod(fd, 0o644)).toBe(0);
    expect(await v.fsync(fd)).toBe(0);
    expect(fs.journal!.stats.commits).toBe(commits);
    expect(counts()).toEqual({ writes: 0, flushes: 0 });
    // another mode: the inode's block is logged and the mode survives a power cut
    expect(await v.fchmod(fd, 0o600)).toBe(0);
    expect(await v.fsync(fd)).toBe(0);
    expect(fs.journal!.stats.commits).toBe(commits + 1);
    expect(debugfs(cut(img, 'chmod.img'), 'stat /f')).toMatch(/Mode:\s+0600/);
    expect(await v.close(fd)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });

  it("SQLite's autocommit insert on a coarse clock: requests per step, the database durable", async () => {
    const img = mkfs(top, '32M', { args: ['-b', '1024'] });
    const { v, fs, reqs, clock, counts } = await mount(img);
    const page = (k: number) => new Uint8Array(4096).fill(k);
    const db = (await v.open('/t.db', O_CREAT | O_RDWR, 0o644)) as number;
    for (let p = 0; p < 2; p++) expect(await v.pwrite(db, page(1), p * 4096)).toBe(4096);
    expect(await v.fsync(db)).toBe(0);
    const steps: Record<string, { writes: number; flushes: number }>[] = [];
    for (let i = 0; i < 4; i++) {
      clock.tick(); // each insert in a tick of its own: its first changes stamp anew
      const step: Record<string, { writes: number; flushes: number }> = {};
      const mark = (name: string) => {
        step[name] = counts();
        reqs.length = 0;
      };
      reqs.length = 0;
      expect(await v.mkdir('/t.db.lock', 0o777)).toBe(0);
      expect(await v.stat('/t.db-journal')).toBe(-2);
      expect(await v.utimensat(AT_FDCWD, '/t.db.lock', null, 0)).toBe(0);
      const j = (await v.open(
        '/t.db-journal',
        O_CREAT | O_EXCL | O_RDWR | O_TRUNC,
        0o644,
      )) as number;
      // header, then each page as nonce + page + checksum (sqlite3's pager_write)
      expect(await v.pwrite(j, new Uint8Array(512), 0)).toBe(512);
      expect(await v.pwrite(j, new Uint8Array(4), 512)).toBe(4);
      expect(await v.pwrite(j, page(2), 516)).toBe(4096);
      expect(await v.pwrite(j, new Uint8Array(4), 4612)).toBe(4);
      expect(await v.utimensat(AT_FDCWD, '/t.db.lock', null, 0)).toBe(0);
      expect(await v.pwrite(j, new Uint8Array(4), 4616)).toBe(4);
      expect(await v.pwrite(j, page(3), 4620)).toBe(4096);
      expect(await v.pwrite(j, new Uint8Array(4), 8716)).toBe(4);
      expect(await v.pread(j, new Uint8Array(8), 9216)).toBe(0);
      mark('write journal'); // all held back: no request
      expect(await v.fsync(j)).toBe(0);
      mark('fsync journal');
      const d = (await v.open('/', O_RDONLY | O_DIRECTORY, 0)) as number;
      expect(await v.fsync(d)).toBe(0);
      expect(await v.close(d)).toBe(0);
      mark('fsync dir');
      expect(await v.pwrite(j, new Uint8Array(12).fill(9), 0)).toBe(12);
      expect(await v.fsync(j)).toBe(0);
      mark('fsync journal header');
      expect(await v.pwrite(db, page(10 + i), 0)).toBe(4096);
      expect(await v.fsync(db)).toBe(0);
      mark('fsync db');
      expect(await v.close(j)).toBe(0);
      expect(await v.unlink('/t.db-journal')).toBe(0);
      expect(await v.rmdir('/t.db.lock')).toBe(0);
      mark('unlock');
      steps.push(step);
    }
    for (const s of steps.slice(1))
      expect(s).toEqual({
        'write journal': { writes: 0, flushes: 0 },
        // the journal's data run with its new partial last block, the log, the commit block
        'fsync journal': { writes: 3, flushes: 2 },
        'fsync dir': { writes: 0, flushes: 0 },
        // an overwrite in the same tick: its block and a barrier
        'fsync journal header': { writes: 1, flushes: 1 },
        // the db page (its inode was stamped in an earlier tick: a commit of the inode's block)
        'fsync db': { writes: 3, flushes: 2 },
        unlock: { writes: 0, flushes: 0 },
      });
    const after = cut(img, 'sqlite.img');
    const got = execFileSync('/usr/sbin/debugfs', ['-R', 'cat /t.db', after], {
      stdio: 'pipe',
      maxBuffer: 1 << 20,
    });
    expect(got.subarray(0, 4096)).toEqual(Buffer.from(page(13)));
    expect(await v.close(db)).toBe(0);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });
});
