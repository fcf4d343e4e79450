// The kit's namespace checks on the driver contract: lookup, create, mkdir/rmdir, unlink, rename,
// symlink/readlink, link, readdir (".", "..", cookies), getattr/setattr, statfs.
import { Errno } from '@runikraft/errno';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../constants';
import type { RkFs } from '../driver';
import {
  attrOf,
  emptyStatfs,
  expectThat,
  listDir,
  ok,
  type RkFsCheck,
  type RkFsKitCaps,
  type RkFsKitFactory,
  refuses,
  withFs,
} from './env';

const sorted = (a: string[]) => [...a].sort();
const same = (a: string[], b: string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

async function writeAll(
  fs: RkFs<any, any>,
  node: object,
  data: Uint8Array,
  off = 0,
): Promise<void> {
  const h = await ok<object>('open', fs.open(node as any, 2));
  const n = await ok<number>('write', fs.write(h, data, off));
  expectThat(n === data.length, `write of ${data.length} bytes returned ${n}`);
  await ok('close', fs.close(h));
}

async function readAll(
  fs: RkFs<any, any>,
  node: object,
  len: number,
  off = 0,
): Promise<Uint8Array> {
  const h = await ok<object>('open', fs.open(node as any, 0));
  const buf = new Uint8Array(len);
  const n = await ok<number>('read', fs.read(h, buf, off));
  await ok('close', fs.close(h));
  return buf.subarray(0, n);
}

export function nodeChecks(make: RkFsKitFactory, caps: RkFsKitCaps): RkFsCheck[] {
  const checks: RkFsCheck[] = [
    {
      name: 'the root is a directory holding only "." and ".."; a missing name is ENOENT',
      run: () =>
        withFs(make, async (fs) => {
          expectThat(fs.root.type === S_IFDIR, `root type ${fs.root.type.toString(8)}`);
          const a = await attrOf(fs, fs.root);
          expectThat((a.mode & S_IFMT) === S_IFDIR, `root mode ${a.mode.toString(8)}`);
          expectThat(a.nlink >= 2, `root nlink ${a.nlink}`);
          const names = await listDir(fs, fs.root);
          expectThat(names[0] === '.' && names[1] === '..', `root lists ${names}`);
          expectThat(names.length === 2, `a fresh root lists ${names}`);
          await refuses('lookup(missing)', fs.lookup(fs.root, 'missing'), Errno.ENOENT);
        }),
    },
    {
      name: 'create makes a regular file that lookup finds with the same ino, mode, size 0, nlink 1',
      run: () =>
        withFs(make, async (fs) => {
          const f = await ok<any>('create', fs.create(fs.root, 'a', 0o640));
          expectThat(f.type === S_IFREG, `created type ${f.type.toString(8)}`);
          const g = await ok<any>('lookup', fs.lookup(fs.root, 'a'));
          expectThat(g.ino === f.ino, `lookup ino ${g.ino} != created ino ${f.ino}`);
          const a = await attrOf(fs, g);
          expectThat(a.mode === (S_IFREG | 0o640), `mode ${a.mode.toString(8)}`);
          expectThat(a.size === 0 && a.nlink === 1, `size ${a.size} nlink ${a.nlink}`);
          expectThat(a.ino === f.ino, `getattr ino ${a.ino} != ${f.ino}`);
        }),
    },
    {
      name: 'mkdir/rmdir: nlink counts subdirectories, a non-empty directory is ENOTEMPTY',
      run: () =>
        withFs(make, async (fs) => {
          const before = (await attrOf(fs, fs.root)).nlink;
          const d = await ok<any>('mkdir', fs.mkdir(fs.root, 'd', 0o755));
          expectThat(d.type === S_IFDIR, 'mkdir made a non-directory');
          expectThat((await attrOf(fs, fs.root)).nlink === before + 1, 'parent nlink not +1');
          expectThat((await attrOf(fs, d)).nlink === 2, 'new directory nlink != 2');
          const f = await ok<any>('create', fs.create(d, 'f', 0o644));
          await refuses('rmdir(non-empty)', fs.rmdir(fs.root, 'd', d), Errno.ENOTEMPTY);
          await ok('unlink', fs.unlink(d, 'f', f));
          await ok('rmdir', fs.rmdir(fs.root, 'd', d));
          await refuses('lookup(removed)', fs.lookup(fs.root, 'd'), Errno.ENOENT);
          expectThat((await attrOf(fs, fs.root)).nlink === before, 'parent nlink not restored');
        }),
    },
    {
      name: 'readdir lists "." and ".." first, every entry once, and resumes from any cookie',
      run: () =>
        withFs(make, async (fs) => {
          const want = ['.', '..'];
          for (let i = 0; i < 40; i++) {
            const name = `entry-${i}`;
            await ok(
              'create',
              i % 5 ? fs.create(fs.root, name, 0o644) : fs.mkdir(fs.root, name, 0o755),
            );
            want.push(name);
          }
          const all = await listDir(fs, fs.root);
          expectThat(all[0] === '.' && all[1] === '..', `first entries ${all.slice(0, 2)}`);
          expectThat(same(all, want), `lists ${all.length} entries, want ${want.length}`);
          for (const batch of [1, 3, 7]) {
            const got = await listDir(fs, fs.root, batch);
            expectThat(
              same(got, want),
              `resuming every ${batch} entries lists ${got.length} entries`,
            );
          }
        }),
    },
    {
      name: 'unlink removes the name; an open handle still reads the data',
      run: () =>
        withFs(make, async (fs) => {
          const f = await ok<any>('create', fs.create(fs.root, 'u', 0o644));
          await writeAll(fs, f, new TextEncoder().encode('still here'));
          const h = await ok<object>('open', fs.open(f, 0));
          await ok('unlink', fs.unlink(fs.root, 'u', f));
          await refuses('lookup(unlinked)', fs.lookup(fs.root, 'u'), Errno.ENOENT);
          const buf = new Uint8Array(32);
          const n = await ok<number>('read after unlink', fs.read(h, buf, 0));
          expectThat(new TextDecoder().decode(buf.subarray(0, n)) === 'still here', 'data lost');
          await ok('close', fs.close(h));
          expectThat(same(await listDir(fs, fs.root), ['.', '..']), 'unlinked name still listed');
        }),
    },
    {
      name: 'rename moves within and across directories and replaces an existing target atomically',
      run: () =>
        withFs(make, async (fs) => {
          const a = await ok<any>('create', fs.create(fs.root, 'a', 0o644));
          await writeAll(fs, a, Uint8Array.of(1, 2, 3));
          const d = await ok<any>('mkdir', fs.mkdir(fs.root, 'd', 0o755));
          await ok('rename(same dir)', fs.rename(fs.root, 'a', fs.root, 'b', 0));
          await refuses('lookup(old name)', fs.lookup(fs.root, 'a'), Errno.ENOENT);
          await ok('rename(cross dir)', fs.rename(fs.root, 'b', d, 'c', 0));
          const c = await ok<any>('lookup(moved)', fs.lookup(d, 'c'));
          expectThat(c.ino === a.ino, 'rename changed the ino');
          const t = await ok<any>('create', fs.create(fs.root, 't', 0o644));
          await writeAll(fs, t, Uint8Array.of(9));
          await ok('rename(over file)', fs.rename(d, 'c', fs.root, 't', 0));
          const r = await readAll(fs, await ok<any>('lookup', fs.lookup(fs.root, 't')), 8);
          expectThat(r.join() === '1,2,3', `replaced target reads ${r.join()}`);
          expectThat(same(await listDir(fs, d), ['.', '..']), 'source still listed');
        }),
    },
    {
      name: 'rename of a directory over an empty one works, over a non-empty one is ENOTEMPTY',
      run: () =>
        withFs(make, async (fs) => {
          const x = await ok<any>('mkdir', fs.mkdir(fs.root, 'x', 0o755));
          await ok('mkdir', fs.mkdir(fs.root, 'y', 0o755));
          const z = await ok<any>('mkdir', fs.mkdir(fs.root, 'z', 0o755));
          await ok('create', fs.create(z, 'in', 0o644));
          await refuses(
            'rename(dir over non-empty)',
            fs.rename(fs.root, 'x', fs.root, 'z', 0),
            Errno.ENOTEMPTY,
          );
          const before = (await attrOf(fs, fs.root)).nlink;
          await ok('rename(dir over empty)', fs.rename(fs.root, 'x', fs.root, 'y', 0));
          const y = await ok<any>('lookup', fs.lookup(fs.root, 'y'));
          expectThat(y.ino === x.ino, 'the moved directory is not the source');
          expectThat(
            (await attrOf(fs, fs.root)).nlink === before - 1,
            'parent nlink after replacing a dir',
          );
          await ok('rename(dir into dir)', fs.rename(fs.root, 'y', z, 'moved', 0));
          expectThat(
            same(await listDir(fs, z), ['.', '..', 'in', 'moved']),
            'cross-dir dir rename',
          );
        }),
    },
    {
      name: 'setattr changes mode, owner, times and size; getattr reports them',
      run: () =>
        withFs(make, async (fs) => {
          const f = await ok<any>('create', fs.create(fs.root, 'f', 0o644));
          await writeAll(fs, f, new Uint8Array(100).fill(7));
          await ok('setattr(mode)', fs.setattr(f, { mode: 0o600 }));
          await ok('setattr(owner)', fs.setattr(f, { uid: 1000, gid: 100 }));
          const t = { sec: 1_000_000_000, nsec: 123_456_789 };
          await ok('setattr(times)', fs.setattr(f, { atime: t, mtime: t }));
          let a = await attrOf(fs, f);
          expectThat(a.mode === (S_IFREG | 0o600), `mode ${a.mode.toString(8)}`);
          expectThat(a.uid === 1000 && a.gid === 100, `owner ${a.uid}:${a.gid}`);
          expectThat(
            a.mtime.sec === t.sec && a.mtime.nsec === t.nsec,
            `mtime ${JSON.stringify(a.mtime)}`,
          );
          expectThat(a.atime.sec === t.sec, `atime ${JSON.stringify(a.atime)}`);
          await ok('setattr(size shrink)', fs.setattr(f, { size: 10 }));
          await ok('setattr(size grow)', fs.setattr(f, { size: 50 }));
          a = await attrOf(fs, f);
          expectThat(a.size === 50, `size ${a.size}`);
          const r = await readAll(fs, f, 100);
          expectThat(r.length === 50, `read ${r.length} bytes of a 50-byte file`);
          expectThat(
            r.subarray(0, 10).every((b) => b === 7),
            'kept bytes changed',
          );
          expectThat(
            r.subarray(10).every((b) => b === 0),
            'bytes past a shrink did not read as zero',
          );
        }),
    },
    {
      name: 'statfs reports block size, name length and free space',
      run: () =>
        withFs(make, async (fs) => {
          const s = emptyStatfs();
          await ok('statfs', fs.statfs(s));
          expectThat(s.bsize > 0, `bsize ${s.bsize}`);
          expectThat(s.namelen > 0 && s.namelen <= 255, `namelen ${s.namelen}`);
          expectThat(
            s.bfree <= s.blocks && s.bavail <= s.bfree,
            `blocks ${s.blocks} bfree ${s.bfree} bavail ${s.bavail}`,
          );
        }),
    },
  ];
  if (caps.symlinks ?? true)
    checks.push({
      name: 'symlink stores its target verbatim; readlink of a non-link is EINVAL',
      run: () =>
        withFs(make, async (fs) => {
          const target = '../some/where/ü-not-checked';
          const l = await ok<any>('symlink', fs.symlink(fs.root, 'l', target));
          expectThat(l.type === S_IFLNK, 'symlink type');
          const got = await ok<string>(
            'readlink',
            fs.readlink(await ok<any>('lookup', fs.lookup(fs.root, 'l'))),
          );
          expectThat(got === target, `readlink gave ${got}`);
          const a = await attrOf(fs, l);
          expectThat(a.size === new TextEncoder().encode(target).length, `symlink size ${a.size}`);
          const f = await ok<any>('create', fs.create(fs.root, 'f', 0o644));
          await refuses('readlink(file)', fs.readlink(f), Errno.EINVAL);
        }),
    });
  if (caps.hardlinks ?? true)
    checks.push({
      name: 'link shares the ino and data and counts nlink; unlinking one name keeps the other',
      run: () =>
        withFs(make, async (fs) => {
          const f = await ok<any>('create', fs.create(fs.root, 'one', 0o644));
          await ok('link', fs.link(f, fs.root, 'two'));
          const g = await ok<any>('lookup', fs.lookup(fs.root, 'two'));
          expectThat(g.ino === f.ino, 'link has another ino');
          expectThat((await attrOf(fs, f)).nlink === 2, 'nlink after link');
          await writeAll(fs, g, Uint8Array.of(4, 2));
          await ok('unlink', fs.unlink(fs.root, 'one', f));
          expectThat((await attrOf(fs, g)).nlink === 1, 'nlink after unlink');
          expectThat((await readAll(fs, g, 8)).join() === '4,2', 'data through the other name');
        }),
    });
  return checks;
}
