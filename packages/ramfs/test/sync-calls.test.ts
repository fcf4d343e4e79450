// vfscore over ramfs answers the calls a program makes around its data (open, close, mkdir, rmdir,
// unlink, utimensat, fsync, stat, ftruncate, rename, link, symlink, readlink, getdents64, readdir) with the
// value itself — no Promise, so libc-shim returns to the
// program without suspending it — and with the same errno as through a Promise.
import { Errno } from '@runikraft/errno';
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_REMOVEDIR,
  AT_SYMLINK_FOLLOW,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  RENAME_EXCHANGE,
  RENAME_NOREPLACE,
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

  it('renames, links, symlinks, reads links and directories at once, errors included', async () => {
    const v = await ramVfs();
    expect(now(v.mkdir('/d', 0o755))).toBe(0);
    const f = now(v.open('/d/f', O_RDWR | O_CREAT, 0o644));
    expect(now(v.rename('/d/f', '/d/g'))).toBe(0);
    expect(now(v.rename('/d/f', '/d/h'))).toBe(-Errno.ENOENT);
    expect(now(v.rename('/d', '/d/sub'))).toBe(-Errno.EINVAL);
    expect(now(v.renameat2(AT_FDCWD, '/d/g', AT_FDCWD, '/d/x', 4))).toBe(-Errno.EINVAL);
    expect(now(v.link('/d/g', '/d/h'))).toBe(0);
    expect(now(v.link('/d/g', '/d/h'))).toBe(-Errno.EEXIST);
    expect(now(v.link('/d', '/e'))).toBe(-Errno.EPERM);
    expect(now(v.linkat(f, '', AT_FDCWD, '/d/i', AT_EMPTY_PATH))).toBe(0);
    expect(now(v.linkat(AT_FDCWD, '/d/g', AT_FDCWD, '/d/j', 0x8000))).toBe(-Errno.EINVAL);
    expect(now(v.symlink('g', '/d/s'))).toBe(0);
    expect(now(v.symlink('g', '/d/s'))).toBe(-Errno.EEXIST);
    expect(now(v.symlink('', '/d/t'))).toBe(-Errno.ENOENT);
    expect(now(v.linkat(AT_FDCWD, '/d/s', AT_FDCWD, '/d/k', AT_SYMLINK_FOLLOW))).toBe(0);
    expect(now(v.readlink('/d/s'))).toBe('g');
    expect(now(v.readlinkat(AT_FDCWD, '/d/g'))).toBe(-Errno.EINVAL);
    expect(now(v.readlink('/d/missing'))).toBe(-Errno.ENOENT);
    expect(now(v.renameat2(AT_FDCWD, '/d/s', AT_FDCWD, '/d/g', RENAME_NOREPLACE))).toBe(
      -Errno.EEXIST,
    );
    // ramfs has no RENAME_EXCHANGE: its refusal comes at once too
    expect(now(v.renameat2(AT_FDCWD, '/d/s', AT_FDCWD, '/d/g', RENAME_EXCHANGE))).toBe(
      -Errno.EINVAL,
    );
    expect(now(v.rename('/d/s', '/d/g'))).toBe(0);
    expect(now(v.readlink('/d/g'))).toBe('g');
    const st = now(v.stat('/d/h'));
    expect(typeof st !== 'number' && st.nlink).toBe(3);
    const dir = now(v.open('/d', O_RDONLY | O_DIRECTORY));
    const names = now(v.readdir(dir));
    expect(
      typeof names !== 'number' && names.map((e) => e.name).filter((n) => n[0] !== '.'),
    ).toEqual(expect.arrayContaining(['g', 'h', 'i', 'k']));
    expect(typeof names !== 'number' && names.some((e) => e.name === 's')).toBe(false);
    expect(now(v.readdir(dir))).toEqual([]);
    expect(now(v.lseek(dir, 0, 0))).toBe(0);
    const buf = new Uint8Array(4096);
    const n = now(v.getdents64(dir, buf));
    expect(n).toBeGreaterThan(0);
    expect(now(v.getdents64(dir, buf))).toBe(0);
    expect(now(v.lseek(dir, 0, 0))).toBe(0);
    expect(now(v.getdents64(dir, new Uint8Array(8)))).toBe(-Errno.EINVAL);
    expect(now(v.getdents64(f, buf))).toBe(-Errno.ENOTDIR);
    expect(now(v.readdir(99))).toBe(-Errno.EBADF);
    expect(now(v.ftruncate(dir, 0))).toBe(-Errno.EINVAL);
    expect(now(v.close(dir))).toBe(0);
    expect(now(v.ftruncate(f, 5000))).toBe(0);
    const grown = now(v.fstat(f));
    expect(typeof grown !== 'number' && grown.size).toBe(5000);
    expect(now(v.ftruncate(f, -1))).toBe(-Errno.EINVAL);
    expect(now(v.ftruncate(99, 0))).toBe(-Errno.EBADF);
    expect(now(v.close(f))).toBe(0);
  });
});
