// SQLite's file calls on an ext4 disk: when the block device finishes each request inside its
// submit (as the machine's virtio-blk answers inside the notify), ext4's changes — create, mkdir,
// write, fsync and its commit, unlink, rmdir — answer with their values once the blocks they need
// are cached, and the program is not suspended for them: 200 rounds suspend as often as 3 (the
// first round's reads of uncached blocks). When the device answers later (an interrupt after the
// caller parked), the fsyncs wait, suspending the program, with the same results, and both disks
// are consistent (e2fsck -fn) and hold the same files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createExt4Type } from '../../ext4/src/index';
import type { FileBlkdev } from '../../ext4/test/helpers/filedisk';
import { debugfs, disk, fsck, haveE2fs, mkfs, rmrf, scratch } from '../../ext4/test/helpers/image';
import { runWasi } from '../src/index';
import { program, testKernel } from './helpers';

async function onExt4(later: boolean, rounds: number) {
  const top = scratch('rk-libc-ext4-');
  try {
    const img = mkfs(top, '32M');
    const { k, vfs, out } = await testKernel();
    const { alloc, drv, disks } = disk(img, false, 16 << 20);
    vfs.registerFsType(createExt4Type({ alloc, disks, log: () => {} }));
    expect(await vfs.mkdir('/disk', 0o777)).toBe(0);
    expect(await vfs.mount('/dev/vda', '/disk', 'ext4', 0, '')).toBe(0);
    (drv as FileBlkdev).later = later;
    const wasm = readFileSync(program('calls.c'));
    const r = await runWasi(k, wasm, { args: ['calls', 'lock', '/disk/db', String(rounds)] });
    const text = await out();
    expect(await vfs.umount('/disk')).toBe(0);
    const [status, log] = fsck(img);
    expect(status, log).toBe(0);
    return {
      status: r.status,
      suspensions: r.suspensions,
      text,
      ls: debugfs(img, 'ls -l /').replace(/\s+\d+-\w+-\d+ \d+:\d+/g, ''),
    };
  } finally {
    rmrf(top);
  }
}

describe.skipIf(!haveE2fs)('the synchronous call path on ext4', () => {
  it("does not suspend for SQLite's file calls when the device answers inside the submit", async () => {
    const few = await onExt4(false, 3);
    const many = await onExt4(false, 200);
    // every result and errno (EEXIST, ENOENT, EBADF) is checked by the program itself
    expect([few.status, many.status]).toEqual([0, 0]);
    expect([few.text, many.text]).toEqual(['lock 3\n', 'lock 200\n']);
    expect(many.suspensions).toBe(few.suspensions);
    // the database is 200 bytes, the lock directory and the journal are gone
    expect(many.ls).toMatch(/\bdb\b/);
    expect(many.ls).not.toMatch(/db\.lock|db-journal/);
  }, 300_000);

  it('gives the same results when the device answers later, suspending for each change', async () => {
    const now = await onExt4(false, 20);
    const r = await onExt4(true, 20);
    expect(r.status).toBe(0);
    expect(r.text).toBe('lock 20\n');
    // the changes themselves touch only cached blocks; each round's two fsyncs send the data and
    // the commit to the device and wait for it
    expect(r.suspensions).toBeGreaterThanOrEqual(20 * 2);
    expect(now.suspensions).toBeLessThan(20);
    expect(r.ls).toBe(now.ls);
  }, 300_000);
});
