// The device requests of a journaled fsync (jbd2's ordered commit): the file data, the log in one
// request, the commit block, and a barrier before and after it; metadata committed earlier is in
// the log already, so it is not written home again at every commit but at the checkpoint, where
// adjacent blocks go out as one scatter-gather request. Power lost after any fsync leaves a disk
// e2fsck replays to hold every file synced; the unmounted disk is clean.
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { O_CREAT, O_WRONLY, RkVfsCore } from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../../ramfs/test/helpers';
import { createExt4Type, type Ext4Fs } from '../src/index';
import { debugfs, disk, E2FSCK, fsck, haveE2fs, mkfs, rmrf, scratch } from './helpers/image';

const top = scratch('rk-ext4-commitreq-');
afterAll(() => rmrf(top));

const FILES = 24;

function content(i: number): Uint8Array {
  return new TextEncoder().encode(`file ${i} `.repeat(40 + i));
}

describe.skipIf(!haveE2fs)('ext4 commit requests', () => {
  it('an fsync writes data, log and commit block only; the checkpoint merges adjacent home blocks', async () => {
    const img = mkfs(top, '64M', { args: ['-b', '1024'] });
    const { alloc, drv, disks } = disk(img, false, 64 << 20);
    const reqs: { op: string; sector: number; segs: number }[] = [];
    const start = drv.start.bind(drv);
    drv.start = (req) => {
      reqs.push({ op: req.op, sector: req.sector, segs: req.segs?.length ?? 1 });
      return start(req);
    };
    const v = new RkVfsCore(testEnv());
    v.registerFsType(createExt4Type({ alloc, disks, log: () => {} }));
    expect(await v.mount('/dev/vda', '/', 'ext4', 0, '')).toBe(0);
    const fs = v.st.mountList[0]!.fs as Ext4Fs;
    expect(await v.mkdir('/d', 0o755)).toBe(0);
    for (let i = 0; i < FILES; i++) {
      const fd = (await v.open(`/d/f${i}`, O_CREAT | O_WRONLY, 0o644)) as number;
      expect(fd).toBeGreaterThanOrEqual(0);
      expect(await v.pwrite(fd, content(i), 0)).toBe(content(i).length);
      reqs.length = 0;
      expect(await v.fsync(fd)).toBe(0);
      const writes = reqs.filter((r) => r.op === 'write').length;
      const flushes = reqs.filter((r) => r.op === 'flush').length;
      // the new file's data block, the log, the commit block (and the journal super block at the
      // first commit after a checkpoint) — not the bitmaps, inode table and directory block of the
      // commits before, which each fsync used to write home again
      if (i > 0) expect(writes, `fsync ${i}: ${JSON.stringify(reqs)}`).toBeLessThanOrEqual(4);
      expect(flushes, `fsync ${i}`).toBe(2);
      expect(await v.close(fd)).toBe(0);
    }
    // the power goes off here: e2fsck's replay of the log restores every file
    const cut = join(top, 'cut.img');
    copyFileSync(img, cut);
    try {
      execFileSync(E2FSCK, ['-fy', cut], { stdio: 'pipe' });
    } catch (e) {
      expect((e as { status: number }).status).toBe(1); // 1: the replay corrected the image
    }
    expect(fsck(cut)[0]).toBe(0);
    for (const i of [0, FILES >> 1, FILES - 1])
      expect(debugfs(cut, `cat /d/f${i}`)).toBe(new TextDecoder().decode(content(i)));
    // the checkpoint writes the committed metadata home: fewer requests than blocks (the inode
    // table blocks of the new inodes are adjacent; one scatter-gather request takes them)
    const cache = fs.vol.cache;
    const wb = cache.stats.writebacks;
    reqs.length = 0;
    expect(await fs.sync()).toBe(0);
    const home = reqs.filter((r) => r.op === 'write');
    expect(cache.stats.writebacks - wb).toBeGreaterThan(home.length);
    expect(home.some((r) => r.segs > 1)).toBe(true);
    // a flush with nothing written since the last one is not sent
    reqs.length = 0;
    expect(await fs.sync()).toBe(0);
    expect(reqs).toEqual([]);
    expect(await fs.unmount()).toBe(0);
    expect(fsck(img)[0]).toBe(0);
    for (let i = 0; i < FILES; i++)
      expect(debugfs(img, `cat /d/f${i}`)).toBe(new TextDecoder().decode(content(i)));
  });
});
