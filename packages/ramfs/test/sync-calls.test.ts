// vfscore over ramfs answers the calls a program makes around its data (open, close, mkdir, rmdir,
// unlink, utimensat, fsync, stat) with the value itself — no Promise, so libc-shim returns to the
// program without suspending it — and with the same errno as through a Promise.
import { Errno } from '@runikraft/errno';
import {
  AT_FDCWD,
  AT_REMOVEDIR,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  RkVfsCore,
  S_IFDIR,
  UTIME_NOW,
  UTIME_OMIT,
} from '@runikraft/vfscore';
import { describe, expect, it } from 'vitest';
import { createRamfsType } from '../src/index';
import { testAlloc, testEnv } from './helpers';

async function ramVfs(): Promise<RkVfsCore> {
  const v = new RkVfsCore(testEnv());
  v.registerFsType(createRamfsType(testAlloc()));
  expect(await v.mount('none', '/', 'ramfs')).toBe(0);
  return v;
}

/** The result, asserted to be a plain value (not a Promise). */
function now<T>(r: T | Promise<T>): T {
  expect(r).not.toBeInstanceOf(Promise);
  return r as T;
}

describe('vfscore on ramfs: the synchronous call path', () => {
  it("answers SQLite's autocommit file calls at once", async () => {
    const v = await ramVfs();
    expect(now(v.mkdir('/d', 0o755))).toBe(0);
    const fd = now(v.openat(AT_FDCWD, '/d/db', O_RDWR | O_CREAT, 0o644));
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(now(v.mkdirat(AT_FDCWD, '/d/db.lock', 0o777))).toBe(0);
    const st = now(v.fstatat(AT_FDCWD, '/d/db.lock', 0));
    expect(typeof st !== 'number' && st.mode & S_IFDIR).toBeTruthy();
    expect(now(v.utimensat(AT_FDCWD, '/d/db.lock', null, 0))).toBe(0);
    const t = { sec: 1_700_000_000, nsec: 5 };
    expect(now(v.utimensat(AT_FDCWD, '/d/db.lock', [t, { sec: 0, nsec: UTIME_OMIT }], 0))).toBe(0);
    const st2 = now(v.stat('/d/db.lock'));
    expect(typeof st2 !== 'number' && st2.atime).toEqual(t);
    const j = now(v.openat(AT_FDCWD, '/d/db-journal', O_RDWR | O_CREAT | O_TRUNC, 0o644));
    expect(now(v.write(j, new Uint8Array([1, 2, 3])))).toBe(3);
    expect(now(v.fsync(j))).toBe(0);
    expect(now(v.close(j))).toBe(0);
    // O_TRUNC of an existing file empties it, still at once
    const j2 = now(v.openat(AT_FDCWD, '/d/db-journal', O_RDWR | O_TRUNC, 0));
    const st3 = now(v.fstat(j2));
    expect(typeof st3 !== 'number' && st3.size).toBe(0);
    expect(now(v.close(j2))).toBe(0);
    expect(now(v.unlinkat(AT_FDCWD, '/d/db-journal', 0))).toBe(0);
    expect(now(v.unlinkat(AT_FDCWD, '/d/db.lock', AT_REMOVEDIR))).toBe(0);
    expect(now(v.futimens(fd, [{ sec: 0, nsec: UTIME_NOW }, t]))).toBe(0);
    expect(now(v.close(fd))).toBe(0);
  });

  it('gives the errors at once, with Linux errno', async () => {
    const v = await ramVfs();
    expect(now(v.mkdir('/d', 0o755))).toBe(0);
    const f = now(v.open('/d/f', O_RDWR | O_CREAT, 0o644));
    expect(now(v.close(f))).toBe(0);
    expect(now(v.close(f))).toBe(-Errno.EBADF);
    expect(now(v.open('/d/missing', O_RDONLY))).toBe(-Errno.ENOENT);
    expect(now(v.open('/d/f', O_RDWR | O_CREAT | O_EXCL, 0o644))).toBe(-Errno.EEXIST);
    expect(now(v.open('/d/f/x', O_RDONLY))).toBe(-Errno.ENOTDIR);
    expect(now(v.open('/d/g/', O_RDWR | O_CREAT, 0o644))).toBe(-Errno.EISDIR);
    expect(now(v.open('/d', O_RDWR))).toBe(-Errno.EISDIR);
    expect(now(v.open('/d/f', O_RDONLY | O_DIRECTORY))).toBe(-Errno.ENOTDIR);
    expect(now(v.mkdir('/d', 0o755))).toBe(-Errno.EEXIST);
    expect(now(v.mkdir('/nope/x', 0o755))).toBe(-Errno.ENOENT);
    expect(now(v.rmdir('/'))).toBe(-Errno.EBUSY);
    expect(now(v.rmdir('/d'))).toBe(-Errno.ENOTEMPTY);
    expect(now(v.rmdir('/d/f'))).toBe(-Errno.ENOTDIR);
    expect(now(v.unlink('/d'))).toBe(-Errno.EISDIR);
    expect(now(v.unlink('/d/f/'))).toBe(-Errno.ENOTDIR);
    expect(now(v.unlinkat(AT_FDCWD, '/d/f', 0x4000))).toBe(-Errno.EINVAL);
    expect(now(v.unlink('/d/missing'))).toBe(-Errno.ENOENT);
    expect(now(v.utimensat(AT_FDCWD, '/d/missing', null, 0))).toBe(-Errno.ENOENT);
    expect(
      now(
        v.utimensat(
          AT_FDCWD,
          '/d/f',
          [
            { sec: 0, nsec: 2e9 },
            { sec: 0, nsec: 0 },
          ],
          0,
        ),
      ),
    ).toBe(-Errno.EINVAL);
    expect(now(v.futimens(99, null))).toBe(-Errno.EBADF);
  });

  it('walks paths with empty, "." and ".." components and trailing slashes at once', async () => {
    const v = await ramVfs();
    expect(now(v.mkdir('/a', 0o755))).toBe(0);
    expect(now(v.mkdir('/a/b/', 0o755))).toBe(0);
    const f = now(v.open('//a/./b/../b//f', O_RDWR | O_CREAT, 0o644));
    expect(f).toBeGreaterThanOrEqual(0);
    expect(now(v.close(f))).toBe(0);
    const st = now(v.stat('/a/b/f'));
    expect(typeof st).toBe('object');
    expect(now(v.rmdir('/a/b/../b//'))).toBe(-Errno.ENOTEMPTY);
    expect(now(v.unlink('a/b/f'))).toBe(0);
    expect(now(v.rmdir('/a/b/'))).toBe(0);
    expect(now(v.open('', O_RDONLY))).toBe(-Errno.ENOENT);
  });
});
