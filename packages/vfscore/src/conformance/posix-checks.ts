// The kit's POSIX-level checks: the subject mounted under vfscore answers open/read/write/rename/...
// with Linux's results and errno (the cases a random differential run rarely reaches).
import { Errno } from '@runikraft/errno';
import * as C from '../constants';
import { expectThat, type RkFsCheck, type RkFsKitCaps, type RkFsKitFactory } from './env';
import { call, withVfs } from './posix-env';

const E = Errno;
const enc = (s: string) => new TextEncoder().encode(s);

export function posixChecks(make: RkFsKitFactory, caps: RkFsKitCaps): RkFsCheck[] {
  const check = (name: string, fn: Parameters<typeof withVfs>[1]): RkFsCheck => ({
    name,
    run: () => withVfs(make, fn),
  });
  const checks = [
    check(
      'fds: lowest free, dup/dup2/dup3 share the offset, O_CLOEXEC per descriptor',
      async (v) => {
        const a = await call('open', v.open('/f', C.O_CREAT | C.O_RDWR, 0o644), 0);
        await call('open', v.open('/f', C.O_RDONLY), 1);
        await call('open', v.open('/f', C.O_RDONLY | C.O_CLOEXEC), 2);
        await call('close', v.close(1), 0);
        await call('open reuses 1', v.open('/f', C.O_RDONLY), 1);
        const d = v.dup(a);
        expectThat(d === 3, `dup gave ${d}`);
        await call('write via 0', v.write(a, enc('hello')), 5);
        await call('lseek via dup sees the shared offset', v.lseek(d, 0, C.SEEK_CUR), 5);
        expectThat(v.fcntl(2, C.F_GETFD) === C.FD_CLOEXEC, 'O_CLOEXEC not on fd 2');
        expectThat(v.fcntl(d, C.F_GETFD) === 0, 'dup copied FD_CLOEXEC');
        expectThat(v.dup2(a, 10) === 10, 'dup2 to 10');
        expectThat(v.dup2(a, a) === a, 'dup2 to itself');
        expectThat(v.dup2(99, 5) === -E.EBADF, 'dup2 of a closed fd');
        expectThat(v.dup3(a, a, 0) === -E.EINVAL, 'dup3 to itself');
        expectThat(
          v.dup3(a, 11, C.O_CLOEXEC) === 11 && v.fcntl(11, C.F_GETFD) === 1,
          'dup3 O_CLOEXEC',
        );
        expectThat(v.fcntl(a, C.F_DUPFD, 7) === 7, 'F_DUPFD from 7');
        await v.closeOnExec();
        await call('close of a cloexec fd after exec', v.close(2), -E.EBADF);
        await call('close of a kept fd', v.close(10), 0);
        await call('close twice', v.close(10), -E.EBADF);
      },
    ),
    check(
      'O_APPEND writes at the end; O_NONBLOCK via F_SETFL; pwrite/pread leave the offset',
      async (v) => {
        const fd = await call('open', v.open('/f', C.O_CREAT | C.O_WRONLY | C.O_APPEND, 0o644));
        await call('write', v.write(fd, enc('abc')), 3);
        await call('lseek 0', v.lseek(fd, 0, C.SEEK_SET), 0);
        await call('append', v.write(fd, enc('de')), 2);
        await call('offset after append', v.lseek(fd, 0, C.SEEK_CUR), 5);
        expectThat(v.fcntl(fd, C.F_SETFL, C.O_NONBLOCK) === 0, 'F_SETFL');
        const fl = v.fcntl(fd, C.F_GETFL);
        expectThat(
          (fl & C.O_NONBLOCK) !== 0 && (fl & C.O_APPEND) === 0,
          `F_GETFL ${fl.toString(8)}`,
        );
        const r = await call('open', v.open('/f', C.O_RDONLY));
        const buf = new Uint8Array(8);
        await call('pread', v.pread(r, buf, 1), 4);
        await call('offset untouched by pread', v.lseek(r, 0, C.SEEK_CUR), 0);
        await call('read on O_WRONLY', v.read(fd, buf), -E.EBADF);
        await call('write on O_RDONLY', v.write(r, buf), -E.EBADF);
        await call('pread negative offset', v.pread(r, buf, -1), -E.EINVAL);
      },
    ),
    check(
      'lseek past EOF leaves a hole that reads as zeros; bad whence and negative results are EINVAL',
      async (v) => {
        const fd = await call('open', v.open('/f', C.O_CREAT | C.O_RDWR, 0o644));
        await call('lseek past EOF', v.lseek(fd, 10_000, C.SEEK_SET), 10_000);
        await call('write', v.write(fd, enc('x')), 1);
        await call('SEEK_END', v.lseek(fd, -1, C.SEEK_END), 10_000);
        await call('SEEK_END past', v.lseek(fd, 5, C.SEEK_END), 10_006);
        await call('negative', v.lseek(fd, -20_000, C.SEEK_END), -E.EINVAL);
        await call('bad whence', v.lseek(fd, 0, 99), -E.EINVAL);
        await call('SEEK_DATA at EOF', v.lseek(fd, 10_001, C.SEEK_DATA), -E.ENXIO);
        await call('SEEK_HOLE', v.lseek(fd, 0, C.SEEK_HOLE), 10_001);
        const buf = new Uint8Array(100).fill(9);
        await call('pread the hole', v.pread(fd, buf, 5000), 100);
        expectThat(
          buf.every((b) => b === 0),
          'a hole did not read as zeros',
        );
      },
    ),
    check(
      'open: O_CREAT|O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW, O_PATH, directories and trailing slashes',
      async (v) => {
        await call('creat', v.open('/f', C.O_CREAT | C.O_WRONLY, 0o644));
        await call(
          'O_EXCL on existing',
          v.open('/f', C.O_CREAT | C.O_EXCL | C.O_RDWR, 0o644),
          -E.EEXIST,
        );
        await call('mkdir', v.mkdir('/d', 0o755), 0);
        await call('O_CREAT on a dir', v.open('/d', C.O_CREAT | C.O_RDWR), -E.EISDIR);
        await call('write-open a dir', v.open('/d', C.O_WRONLY), -E.EISDIR);
        await call('O_RDONLY|O_TRUNC on a dir', v.open('/d', C.O_RDONLY | C.O_TRUNC), -E.EISDIR);
        await call('O_DIRECTORY on a file', v.open('/f', C.O_RDONLY | C.O_DIRECTORY), -E.ENOTDIR);
        await call(
          'O_CREAT|O_DIRECTORY',
          v.open('/g', C.O_CREAT | C.O_DIRECTORY, 0o644),
          -E.EINVAL,
        );
        await call('trailing slash on a file', v.open('/f/', C.O_RDONLY), -E.ENOTDIR);
        await call(
          'O_CREAT with a trailing slash',
          v.open('/new/', C.O_CREAT | C.O_RDWR, 0o644),
          -E.EISDIR,
        );
        await call('missing', v.open('/missing', C.O_RDONLY), -E.ENOENT);
        await call('through a file', v.open('/f/x', C.O_RDONLY), -E.ENOTDIR);
        await call('empty path', v.open('', C.O_RDONLY), -E.ENOENT);
        await call('dir read-only', v.open('/d/', C.O_RDONLY | C.O_DIRECTORY));
        const w = await call('open', v.open('/f', C.O_WRONLY));
        await call('write', v.write(w, enc('data')), 4);
        await call('O_TRUNC', v.open('/f', C.O_RDONLY | C.O_TRUNC));
        const st = await v.stat('/f');
        expectThat(typeof st !== 'number' && st.size === 0, 'O_TRUNC did not truncate');
        if (caps.symlinks ?? true) {
          await call('symlink', v.symlink('f', '/l'), 0);
          await call('O_NOFOLLOW on a link', v.open('/l', C.O_RDONLY | C.O_NOFOLLOW), -E.ELOOP);
          const p = await call('O_PATH|O_NOFOLLOW', v.open('/l', C.O_PATH | C.O_NOFOLLOW));
          await call('read on O_PATH', v.read(p, new Uint8Array(1)), -E.EBADF);
          const s = await v.fstat(p);
          expectThat(
            typeof s !== 'number' && (s.mode & C.S_IFMT) === C.S_IFLNK,
            'fstat of O_PATH link',
          );
          await call('dangling link', v.symlink('nowhere', '/dl'), 0);
          await call(
            'O_CREAT through a dangling link creates its target',
            v.open('/dl', C.O_CREAT | C.O_RDWR, 0o600),
          );
          await call('the target exists', v.access('/nowhere', C.F_OK), 0);
          await call(
            'O_EXCL on a link',
            v.open('/dl', C.O_CREAT | C.O_EXCL | C.O_RDWR, 0o600),
            -E.EEXIST,
          );
        }
      },
    ),
    check('umask applies to created files and directories', async (v) => {
      v.umask(0o027);
      await call('create', v.open('/f', C.O_CREAT | C.O_RDWR, 0o666));
      await call('mkdir', v.mkdir('/d', 0o777), 0);
      const f = await v.stat('/f');
      const d = await v.stat('/d');
      expectThat(typeof f !== 'number' && (f.mode & 0o7777) === 0o640, 'file mode');
      expectThat(typeof d !== 'number' && (d.mode & 0o7777) === 0o750, 'dir mode');
    }),
    check(
      'unlink/rmdir: EISDIR, ENOTDIR, ENOTEMPTY, ".", "..", "/", trailing slashes',
      async (v) => {
        await call('mkdir', v.mkdir('/d', 0o755), 0);
        await call('create', v.open('/d/f', C.O_CREAT | C.O_RDWR, 0o644));
        await call('unlink a dir', v.unlink('/d'), -E.EISDIR);
        await call('rmdir a file', v.rmdir('/d/f'), -E.ENOTDIR);
        await call('rmdir non-empty', v.rmdir('/d'), -E.ENOTEMPTY);
        await call('rmdir .', v.rmdir('/d/.'), -E.EINVAL);
        await call('rmdir ..', v.rmdir('/d/..'), -E.ENOTEMPTY);
        await call('rmdir /', v.rmdir('/'), -E.EBUSY);
        await call('unlink file/', v.unlink('/d/f/'), -E.ENOTDIR);
        await call('unlink missing', v.unlink('/d/nope'), -E.ENOENT);
        await call('unlinkat bad flag', v.unlinkat(C.AT_FDCWD, '/d/f', 0x4), -E.EINVAL);
        await call('unlink', v.unlink('/d/f'), 0);
        await call('rmdir d/', v.rmdir('/d/'), 0);
        await call('mkdir /', v.mkdir('/', 0o755), -E.EEXIST);
        await call('mkdir with a trailing slash', v.mkdir('/e/', 0o755), 0);
      },
    ),
    check(
      'rename: overwrite, type mismatch, into its own subtree, RENAME_NOREPLACE, same inode',
      async (v) => {
        await call('mkdir', v.mkdir('/a', 0o755), 0);
        await call('mkdir', v.mkdir('/a/b', 0o755), 0);
        await call('mkdir', v.mkdir('/c', 0o755), 0);
        await call('create', v.open('/f', C.O_CREAT | C.O_RDWR, 0o644));
        await call('create', v.open('/g', C.O_CREAT | C.O_RDWR, 0o644));
        await call('into own subtree', v.rename('/a', '/a/b/x'), -E.EINVAL);
        await call('onto itself', v.rename('/a', '/a'), 0);
        await call('onto an ancestor', v.rename('/a/b', '/a'), -E.ENOTEMPTY);
        await call('dir over file', v.rename('/a', '/f'), -E.ENOTDIR);
        await call('file over dir', v.rename('/f', '/c'), -E.EISDIR);
        await call(
          'NOREPLACE',
          v.renameat2(C.AT_FDCWD, '/f', C.AT_FDCWD, '/g', C.RENAME_NOREPLACE),
          -E.EEXIST,
        );
        await call('bad flags', v.renameat2(C.AT_FDCWD, '/f', C.AT_FDCWD, '/h', 0x40), -E.EINVAL);
        await call('file with a trailing slash', v.rename('/f/', '/h'), -E.ENOTDIR);
        await call('missing', v.rename('/nope', '/h'), -E.ENOENT);
        await call('rename .', v.rename('/a/.', '/h'), -E.EBUSY);
        await call('dir over empty dir', v.rename('/c', '/a/b'), 0);
        await call('overwrite', v.rename('/f', '/g'), 0);
        await call('old name gone', v.access('/f', C.F_OK), -E.ENOENT);
        if (caps.hardlinks ?? true) {
          await call('link', v.link('/g', '/g2'), 0);
          await call('rename between links of one inode is a no-op', v.rename('/g', '/g2'), 0);
          await call('both names stay', v.access('/g', C.F_OK), 0);
        }
      },
    ),
    check(
      'symlinks: relative and absolute targets, 40 hops then ELOOP, loops, lstat, readlink',
      async (v) => {
        if (!(caps.symlinks ?? true)) return;
        await call('mkdir', v.mkdir('/d', 0o755), 0);
        await call('create', v.open('/d/f', C.O_CREAT | C.O_RDWR, 0o644));
        await call('relative', v.symlink('d/f', '/rel'), 0);
        await call('absolute', v.symlink('/d', '/abs'), 0);
        await call('via abs dir', v.access('/abs/f', C.F_OK), 0);
        await call('dotdot link', v.symlink('../rel', '/d/up'), 0);
        await call('via ../', v.access('/d/up', C.F_OK), 0);
        await call('l0', v.symlink('d/f', '/l0'), 0);
        for (let i = 1; i <= 40; i++) await call(`l${i}`, v.symlink(`l${i - 1}`, `/l${i}`), 0);
        await call('40 hops resolve', v.access('/l39', C.F_OK), 0);
        await call('41 hops are ELOOP', v.access('/l40', C.F_OK), -E.ELOOP);
        await call('self loop', v.symlink('loop', '/loop'), 0);
        await call('loop', v.stat('/loop'), -E.ELOOP);
        const ls = await v.lstat('/loop');
        expectThat(typeof ls !== 'number' && (ls.mode & C.S_IFMT) === C.S_IFLNK, 'lstat of a link');
        const t = await v.readlink('/abs');
        expectThat(t === '/d', `readlink gave ${t}`);
        await call('readlink of a file', v.readlink('/d/f'), -E.EINVAL);
        await call('empty target', v.symlink('', '/e'), -E.ENOENT);
        await call('existing name', v.symlink('x', '/rel'), -E.EEXIST);
        await call('trailing slash follows to a dir', v.stat('/abs/'));
        await call('trailing slash on a file link', v.stat('/rel/'), -E.ENOTDIR);
      },
    ),
    check(
      'paths: ".", "..", "..." at the root, cwd, ENAMETOOLONG for names and paths',
      async (v) => {
        await call('mkdir', v.mkdir('/a', 0o755), 0);
        await call('mkdir', v.mkdir('/a/b', 0o755), 0);
        await call('chdir', v.chdir('/a/b'), 0);
        expectThat(v.getcwd() === '/a/b', `getcwd ${v.getcwd()}`);
        await call('create relative', v.open('x', C.O_CREAT | C.O_RDWR, 0o644));
        await call('absolute sees it', v.access('/a/b/x', C.F_OK), 0);
        await call('.. from cwd', v.access('../b/./x', C.F_OK), 0);
        await call('.. above root stays at root', v.access('/../../a', C.F_OK), 0);
        await call('chdir ..', v.chdir('..'), 0);
        expectThat(v.getcwd() === '/a', `getcwd ${v.getcwd()}`);
        await call('chdir to a file', v.chdir('/a/b/x'), -E.ENOTDIR);
        await call('255-byte name', v.open(`/${'n'.repeat(255)}`, C.O_CREAT | C.O_RDWR, 0o644));
        await call(
          '256-byte name',
          v.open(`/${'n'.repeat(256)}`, C.O_CREAT | C.O_RDWR, 0o644),
          -E.ENAMETOOLONG,
        );
        await call('256 bytes in UTF-8', v.mkdir(`/${'é'.repeat(128)}`, 0o755), -E.ENAMETOOLONG);
        await call(
          'path of 4096 bytes',
          v.access(`/${'a/'.repeat(2047)}a`, C.F_OK),
          -E.ENAMETOOLONG,
        );
        await call('multiple slashes', v.access('//a///b//x', C.F_OK), 0);
      },
    ),
    check(
      'truncate/ftruncate: EISDIR, EINVAL on read-only fds and negative sizes, data zeroed past',
      async (v) => {
        const fd = await call('open', v.open('/f', C.O_CREAT | C.O_RDWR, 0o644));
        await call('write', v.write(fd, new Uint8Array(100).fill(1)), 100);
        await call('ftruncate', v.ftruncate(fd, 10), 0);
        await call('ftruncate grow', v.ftruncate(fd, 50), 0);
        const buf = new Uint8Array(50);
        await call('pread', v.pread(fd, buf, 0), 50);
        expectThat(
          buf.subarray(10).every((b) => b === 0),
          'bytes past a shrink reappeared',
        );
        await call('negative', v.ftruncate(fd, -1), -E.EINVAL);
        const r = await call('open ro', v.open('/f', C.O_RDONLY));
        await call('ftruncate on O_RDONLY', v.ftruncate(r, 0), -E.EINVAL);
        await call('mkdir', v.mkdir('/d', 0o755), 0);
        await call('truncate a dir', v.truncate('/d', 0), -E.EISDIR);
        await call('truncate path', v.truncate('/f', 3), 0);
        const st = await v.fstat(fd);
        expectThat(typeof st !== 'number' && st.size === 3, 'truncate size');
      },
    ),
    check(
      'getdents64 writes linux_dirent64 records and resumes; lseek rewinds a directory',
      async (v) => {
        await call('mkdir', v.mkdir('/d', 0o755), 0);
        for (let i = 0; i < 20; i++)
          await call('create', v.open(`/d/file-${i}`, C.O_CREAT | C.O_RDWR, 0o644));
        const fd = await call('open dir', v.open('/d', C.O_RDONLY | C.O_DIRECTORY));
        const names: string[] = [];
        const buf = new Uint8Array(100);
        const dec = new TextDecoder();
        for (;;) {
          const n = await call('getdents64', v.getdents64(fd, buf));
          if (n === 0) break;
          const dv = new DataView(buf.buffer);
          for (let at = 0; at < n; ) {
            const reclen = dv.getUint16(at + 16, true);
            const end = buf.indexOf(0, at + 19);
            names.push(dec.decode(buf.subarray(at + 19, end)));
            at += reclen;
          }
        }
        expectThat(
          names.length === 22 && names[0] === '.' && names[1] === '..',
          `entries ${names.length}`,
        );
        await call('too small', v.getdents64(fd, new Uint8Array(8)), 0);
        await call('rewind', v.lseek(fd, 0, C.SEEK_SET), 0);
        await call('too small for one entry', v.getdents64(fd, new Uint8Array(8)), -E.EINVAL);
        const all = await v.readdir(fd);
        expectThat(Array.isArray(all) && all.length === 22, 'readdir after rewind');
        const f = await call('open file', v.open('/d/file-0', C.O_RDONLY));
        await call('getdents64 on a file', v.getdents64(f, buf), -E.ENOTDIR);
      },
    ),
    check(
      'chmod, chown (drops set-user-ID), utimensat (UTIME_NOW/OMIT), access and statfs',
      async (v) => {
        await call('create', v.open('/f', C.O_CREAT | C.O_RDWR, 0o644));
        await call('chmod', v.chmod('/f', 0o4755), 0);
        await call('chown', v.chown('/f', 7, 8), 0);
        await call('chown -1 keeps', v.chown('/f', -1, 9), 0);
        const t = { sec: 1234, nsec: 5000 }; // whole microseconds: some servers keep no finer
        await call(
          'utimensat',
          v.utimensat(C.AT_FDCWD, '/f', [t, { sec: 0, nsec: C.UTIME_OMIT }], 0),
          0,
        );
        let s = await v.stat('/f');
        if (typeof s === 'number') return;
        expectThat(
          (s.mode & 0o7777) === 0o755,
          `chown kept set-user-ID: mode ${s.mode.toString(8)}`,
        );
        expectThat(s.uid === 7 && s.gid === 9, `owner ${s.uid}:${s.gid}`);
        expectThat(s.atime.sec === 1234 && s.atime.nsec === 5000 && s.mtime.sec !== 1234, 'times');
        await call('UTIME_NOW', v.utimensat(C.AT_FDCWD, '/f', null, 0), 0);
        s = (await v.stat('/f')) as typeof s;
        expectThat(s.atime.sec > 1234, 'UTIME_NOW');
        await call(
          'bad nsec',
          v.utimensat(C.AT_FDCWD, '/f', [{ sec: 0, nsec: 2e9 }, t], 0),
          -E.EINVAL,
        );
        await call('access X_OK', v.access('/f', C.X_OK), 0);
        await call('chmod 644', v.chmod('/f', 0o644), 0);
        await call('access X_OK without x bits', v.access('/f', C.X_OK), -E.EACCES);
        await call('access bad mode', v.access('/f', 8), -E.EINVAL);
        const fs = await v.statfs('/f');
        expectThat(typeof fs !== 'number' && fs.bsize > 0, 'statfs');
      },
    ),
    check(
      'mounts: a second mount hides the directory, ".." crosses back, EXDEV, EBUSY, umount',
      async (v) => {
        await call('mkdir', v.mkdir('/mnt', 0o755), 0);
        await call('create', v.open('/mnt/under', C.O_CREAT | C.O_RDWR, 0o644));
        const sub = await make();
        v.registerFsType({ name: 'kit2', mount: () => sub.fs });
        await call('mount', v.mount('kit2', '/mnt', 'kit2'), 0);
        await call('mount unknown type', v.mount('x', '/mnt', 'nofs'), -E.ENODEV);
        await call('hidden', v.access('/mnt/under', C.F_OK), -E.ENOENT);
        await call('create on the mount', v.open('/mnt/on', C.O_CREAT | C.O_RDWR, 0o644));
        await call('.. crosses back', v.access('/mnt/../mnt/on', C.F_OK), 0);
        await call('link across mounts', v.link('/mnt/on', '/x'), -E.EXDEV);
        await call('rename across mounts', v.rename('/mnt/on', '/x'), -E.EXDEV);
        await call('rmdir a mount point', v.rmdir('/mnt'), -E.EBUSY);
        await call('umount busy', v.umount('/mnt'), -E.EBUSY);
        await call('close', v.close(1), 0);
        await call('umount', v.umount('/mnt'), 0);
        await call('umount a non-mount', v.umount('/mnt'), -E.EINVAL);
        await call('uncovered again', v.access('/mnt/under', C.F_OK), 0);
        expectThat(v.mounts().length === 1, 'mount table after umount');
        await sub.close?.();
      },
    ),
  ];
  return checks;
}
