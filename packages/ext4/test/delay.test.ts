// Delayed small writes (vfscore's RkWriteBehind): SQLite's pattern — a new file written in 4 KiB pages, one
// pwrite each, then fsync — returns from every pwrite without waiting and reaches the disk as one
// data run (not a request per page); reads and fstat see what is held back; what fsync returned for
// is on the disk (the image, replayed by e2fsck as after a power cut, holds it; e2fsck -fn clean).
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { O_CREAT, O_RDONLY, O_RDWR, type RkStat, RkVfsCore } from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../../ramfs/test/helpers';
import { createExt4Type, type Ext4Fs } from '../src/index';
import { debugfs, disk, E2FSCK, fsck, haveE2fs, mkfs, rmrf, scratch } from './helpers/image';

const top = scratch('rk-ext4-delay-');
afterAll(() => rmrf(top));

const PAGE = 4096;
const PAGES = 200;

function page(k: number): Uint8Array {
  const p = new Uint8Array(PAGE);
  for (let i = 0; i < PAGE; i++) p[i] = (k * 31 + i * 7) & 0xff;
  return p;
}

async function mount(img: string) {
  const { alloc, drv, disks } = disk(img, false, 64 << 20);
  const reqs: { op: string; bytes: number }[] = [];
  const start = drv.start.bind(drv);
  drv.start = (req) => {
    reqs.push({ op: req.op, bytes: req.nbSectors * 512 });
    return start(req);
  };
  const v = new RkVfsCore(testEnv());
  v.registerFsType(createExt4Type({ alloc, disks, log: () => {} }));
  expect(await v.mount('/dev/vda', '/', 'ext4', 0, '')).toBe(0);
  return { v, reqs };
}

describe.skipIf(!haveE2fs)('ext4 delayed small writes', () => {
  it('4 KiB pages: pwrite never waits, one data run per fsync, reads and fstat see the data, fsync makes it durable', async () => {
    const img = mkfs(top, '64M');
    const { v, reqs } = await mount(img);
    const fd = (await v.open('/db', O_CREAT | O_RDWR, 0o644)) as number;
    expect(fd).toBeGreaterThanOrEqual(0);
    reqs.length = 0;
    for (let k = 0; k < PAGES; k++) {
      const r = v.pwrite(fd, page(k), k * PAGE);
      expect(r, `pwrite ${k} returned a Promise`).toBe(PAGE);
    }
    expect(reqs.length).toBe(0);
    // another descriptor reads what is held back; fstat counts it
    const rfd = (await v.open('/db', O_RDONLY)) as number;
    const got = new Uint8Array(PAGE);
    expect(await v.pread(rfd, got, 77 * PAGE)).toBe(PAGE);
    expect(Buffer.compare(got, page(77))).toBe(0);
    expect(((await v.fstat(fd)) as RkStat).size).toBe(PAGES * PAGE);
    // rewrite a few pages (SQLite's second pass over the header) and sync
    for (const k of [0, 1, 150]) expect(v.pwrite(fd, page(k + 1000), k * PAGE)).toBe(PAGE);
    reqs.length = 0;
    expect(await v.fsync(fd)).toBe(0);
    const writes = reqs.filter((r) => r.op === 'write');
    // data (rewritten pages), journal log, commit block: a handful, not one per page
    expect(writes.length).toBeLessThanOrEqual(6);
    // the power goes off here: the image holds what fsync returned for, after journal replay
    const cut = join(top, 'cut.img');
    copyFileSync(img, cut);
    try {
      execFileSync(E2FSCK, ['-fy', cut], { stdio: 'pipe' });
    } catch (e) {
      // 1: errors corrected (the replay itself), anything else is a real problem
      expect((e as { status: number }).status).toBe(1);
    }
    expect(fsck(cut)[0]).toBe(0);
    const out = join(top, 'db.out');
    debugfs(cut, `dump /db ${out}`);
    const data = readFileSync(out);
    expect(data.length).toBe(PAGES * PAGE);
    for (let k = 0; k < PAGES; k++) {
      const want = page([0, 1, 150].includes(k) ? k + 1000 : k);
      expect(Buffer.compare(data.subarray(k * PAGE, (k + 1) * PAGE), want), `page ${k}`).toBe(0);
    }
    expect(await v.close(rfd)).toBe(0);
    expect(await v.close(fd)).toBe(0);
    expect(await (v.st.mountList[0]!.fs as Ext4Fs).unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
  });

  it('a file written in pages and closed without fsync is whole after unmount', async () => {
    const img = mkfs(top, '64M');
    const { v } = await mount(img);
    const fd = (await v.open('/f', O_CREAT | O_RDWR, 0o644)) as number;
    for (let k = 0; k < 40; k++) expect(v.pwrite(fd, page(k), (39 - k) * PAGE)).toBe(PAGE);
    expect(await v.close(fd)).toBe(0);
    expect(await (v.st.mountList[0]!.fs as Ext4Fs).unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
    const out = join(top, 'f.out');
    debugfs(img, `dump /f ${out}`);
    const data = readFileSync(out);
    expect(data.length).toBe(40 * PAGE);
    for (let k = 0; k < 40; k++)
      expect(Buffer.compare(data.subarray((39 - k) * PAGE, (40 - k) * PAGE), page(k))).toBe(0);
  });
});
