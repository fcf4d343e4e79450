// A call the kernel completes without waiting (ramfs) is answered synchronously: the program is not
// unwound and rewound for it, so its suspensions do not grow with the number of calls. A driver that
// waits (here ramfs behind Promises, as 9pfs over virtio) still suspends the program on every call,
// with the same results.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runWasi } from '../src/index';
import { program, testKernel } from './helpers';
import { waitingRamfs } from './waitfs';

describe('the synchronous call path', () => {
  const wasm = readFileSync(program('calls.c'));

  it('does not suspend the program for calls ramfs completes at once', async () => {
    const { k, out } = await testKernel();
    const few = await runWasi(k, wasm, { args: ['calls', 'write', '/tmp/few', '10'] });
    const many = await runWasi(k, wasm, { args: ['calls', 'write', '/tmp/many', '2000'] });
    const back = await runWasi(k, wasm, { args: ['calls', 'read', '/tmp/many'] });
    expect([few.status, many.status, back.status]).toEqual([0, 0, 0]);
    expect(await out()).toBe('wrote 10\nwrote 2000\nread 2000\n');
    // open and close (path walks) may still suspend; the 2000 writes, 2000 reads and 2000 preads do not
    expect(many.suspensions).toBe(few.suspensions);
    expect(back.suspensions).toBeLessThanOrEqual(few.suspensions);
  }, 300_000);

  it("does not suspend for SQLite's file calls on ramfs: open, stat, mkdir, utimes, unlink, rmdir, fsync, close", async () => {
    const { k, out } = await testKernel();
    const few = await runWasi(k, wasm, { args: ['calls', 'lock', '/tmp/db', '3'] });
    const many = await runWasi(k, wasm, { args: ['calls', 'lock', '/tmp/db2', '300'] });
    expect([few.status, many.status]).toEqual([0, 0]);
    // every result and errno (EEXIST, ENOENT, EBADF) is checked by the program itself
    expect(await out()).toBe('lock 3\nlock 300\n');
    expect(few.suspensions).toBe(0);
    expect(many.suspensions).toBe(0);
  }, 300_000);

  it('gives the same results for those calls on a driver where every call waits, suspending for each', async () => {
    const { k, vfs, out } = await testKernel();
    vfs.registerFsType(waitingRamfs(true, 'waitall'));
    expect(await vfs.mkdir('/wait', 0o777)).toBe(0);
    expect(await vfs.mount('none', '/wait', 'waitall')).toBe(0);
    const r = await runWasi(k, wasm, { args: ['calls', 'lock', '/wait/db', '20'] });
    expect(r.status).toBe(0);
    expect(await out()).toBe('lock 20\n');
    // each round's creates, unlinks, opens, closes and syncs wait on the driver
    expect(r.suspensions).toBeGreaterThanOrEqual(20 * 10);
  }, 300_000);

  it('does not suspend for rename, link, symlink, readlink and readdir on ramfs', async () => {
    const { k, out } = await testKernel();
    const few = await runWasi(k, wasm, { args: ['calls', 'names', '/tmp/n1', '3'] });
    const many = await runWasi(k, wasm, { args: ['calls', 'names', '/tmp/n2', '200'] });
    expect([few.status, many.status]).toEqual([0, 0]);
    // every result and errno (ENOENT, EINVAL, EEXIST) is checked by the program itself
    expect(await out()).toBe('names 3\nnames 200\n');
    expect(few.suspensions).toBe(0);
    expect(many.suspensions).toBe(0);
  }, 300_000);

  it('gives the same results for them on a driver where every call waits, suspending for each', async () => {
    const { k, vfs, out } = await testKernel();
    vfs.registerFsType(waitingRamfs(true, 'waitall'));
    expect(await vfs.mkdir('/wait', 0o777)).toBe(0);
    expect(await vfs.mount('none', '/wait', 'waitall')).toBe(0);
    const r = await runWasi(k, wasm, { args: ['calls', 'names', '/wait/n', '20'] });
    expect(r.status).toBe(0);
    expect(await out()).toBe('names 20\n');
    // each round's renames, links, symlinks, readlinks and readdirs wait on the driver
    expect(r.suspensions).toBeGreaterThanOrEqual(20 * 12);
  }, 300_000);

  it('does not suspend for ftruncate and futimens on ramfs, and gives the same results where the driver waits', async () => {
    const { k, vfs, out } = await testKernel();
    const few = await runWasi(k, wasm, { args: ['calls', 'resize', '/tmp/r1', '3'] });
    const many = await runWasi(k, wasm, { args: ['calls', 'resize', '/tmp/r2', '200'] });
    vfs.registerFsType(waitingRamfs(true, 'waitall'));
    expect(await vfs.mkdir('/wait', 0o777)).toBe(0);
    expect(await vfs.mount('none', '/wait', 'waitall')).toBe(0);
    const w = await runWasi(k, wasm, { args: ['calls', 'resize', '/wait/r', '20'] });
    expect([few.status, many.status, w.status]).toEqual([0, 0, 0]);
    expect(await out()).toBe('resize 3\nresize 200\nresize 20\n');
    // open may walk; the rounds' ftruncates and futimens do not suspend on ramfs
    expect(many.suspensions).toBe(few.suspensions);
    // each round's 2 ftruncates, futimens and 3 fstats wait on the driver
    expect(w.suspensions).toBeGreaterThanOrEqual(20 * 5);
  }, 300_000);

  it('suspends on every call of a driver that waits, with the same results', async () => {
    const { k, vfs, out } = await testKernel();
    vfs.registerFsType(waitingRamfs());
    expect(await vfs.mkdir('/wait', 0o777)).toBe(0);
    expect(await vfs.mount('none', '/wait', 'waitfs')).toBe(0);
    const w = await runWasi(k, wasm, { args: ['calls', 'write', '/wait/f', '300'] });
    const r = await runWasi(k, wasm, { args: ['calls', 'read', '/wait/f'] });
    expect([w.status, r.status]).toEqual([0, 0]);
    expect(await out()).toBe('wrote 300\nread 300\n');
    expect(w.suspensions).toBeGreaterThanOrEqual(300);
    expect(r.suspensions).toBeGreaterThanOrEqual(600);
  }, 300_000);
});
