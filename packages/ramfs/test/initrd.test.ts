// Unpacking a cpio initrd into vfscore over ramfs (vfs.rootfs=initrd).
import { RkCpioError, writeCpio } from '@runikraft/rkcpio';
import { O_RDONLY, RkInitrdError, RkVfsCore, unpackCpio } from '@runikraft/vfscore';
import { describe, expect, it } from 'vitest';
import { createRamfsType } from '../src/index';
import { testAlloc, testEnv } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);

async function rootfs() {
  const v = new RkVfsCore(testEnv());
  v.registerFsType(createRamfsType(testAlloc()));
  expect(await v.mount('none', '/', 'ramfs')).toBe(0);
  return v;
}

async function cat(v: RkVfsCore, path: string): Promise<string> {
  const fd = await v.open(path, O_RDONLY);
  expect(fd).toBeGreaterThanOrEqual(0);
  const buf = new Uint8Array(1 << 16);
  const n = await v.read(fd, buf);
  await v.close(fd);
  return new TextDecoder().decode(buf.subarray(0, n));
}

describe('initrd (cpio newc) unpacked into ramfs', () => {
  it('recreates directories, files, symlinks, hard links, modes, owners and mtimes', async () => {
    const v = await rootfs();
    const archive = writeCpio([
      { name: '.', mode: 0o040755 },
      { name: 'etc', mode: 0o040750, mtime: 1_600_000_000, uid: 5 },
      {
        name: 'etc/config',
        mode: 0o100640,
        data: enc('port=8080\n'),
        mtime: 1_700_000_000,
        uid: 1,
        gid: 2,
      },
      { name: 'etc/current', mode: 0o120777, data: enc('config') },
      { name: 'bin/tool', mode: 0o100755, data: enc('#!'), ino: 50, nlink: 2 },
      { name: 'bin/tool2', mode: 0o100755, ino: 50, nlink: 2 },
      { name: 'dev/fifo', mode: 0o010644 },
    ]);
    expect(await unpackCpio(v, archive)).toBe(7);
    expect(await cat(v, '/etc/config')).toBe('port=8080\n');
    expect(await cat(v, '/etc/current')).toBe('port=8080\n');
    const st = await v.stat('/etc/config');
    if (typeof st === 'number') throw new Error(`stat ${st}`);
    expect([st.mode, st.uid, st.gid, st.mtime.sec]).toEqual([0o100640, 1, 2, 1_700_000_000]);
    const d = await v.stat('/etc');
    expect(typeof d !== 'number' && [d.mode, d.uid, d.mtime.sec]).toEqual([
      0o040750, 5, 1_600_000_000,
    ]);
    const t1 = await v.stat('/bin/tool');
    const t2 = await v.stat('/bin/tool2');
    expect(typeof t1 !== 'number' && typeof t2 !== 'number' && t1.ino === t2.ino && t1.nlink).toBe(
      2,
    );
    expect(await cat(v, '/bin/tool2')).toBe('#!');
    const f = await v.lstat('/dev/fifo');
    expect(typeof f !== 'number' && f.mode).toBe(0o010644);
  });
  it('a malformed archive is an RkCpioError naming the entry and field', async () => {
    const v = await rootfs();
    const a = writeCpio([{ name: 'etc/config', mode: 0o100644, data: enc('x') }]);
    await expect(unpackCpio(v, a.subarray(0, 124))).rejects.toThrow(RkCpioError);
    await expect(unpackCpio(v, a.subarray(0, 124))).rejects.toThrow(
      /entry 0 'etc\/config' at offset 0: filesize/,
    );
  });
  it('refuses names that climb out with ".." and reports failing steps with the entry and errno', async () => {
    const v = await rootfs();
    await expect(unpackCpio(v, writeCpio([{ name: '../x', mode: 0o100644 }]))).rejects.toThrow(
      /entry 0 '\.\.\/x': name: '\.\.' would leave the root/,
    );
    const clash = writeCpio([
      { name: 'a', mode: 0o100644 },
      { name: 'a/b', mode: 0o100644 },
    ]);
    await expect(unpackCpio(v, clash)).rejects.toThrow(RkInitrdError);
    await expect(unpackCpio(v, clash)).rejects.toThrow(/entry 1 'a\/b': .*ENOTDIR|EEXIST/);
  });
});
