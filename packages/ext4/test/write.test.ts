// Writing: files, directories, links and renames through vfscore on an image from the real
// mkfs.ext4; afterwards e2fsck -fn finds nothing to fix and debugfs rdump gives back what was written.
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import { DEBUGFS, fsck, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';
import { type Entry, hostWalk } from './helpers/tree';

const top = scratch('rk-ext4-write-');
afterAll(() => rmrf(top));

async function writeFile(v: C.RkVfsCore, path: string, data: Uint8Array, at = 0) {
  const fd = await v.open(path, C.O_WRONLY | C.O_CREAT, 0o644);
  expect(fd, path).toBeGreaterThanOrEqual(0);
  expect(await v.pwrite(fd, data, at)).toBe(data.length);
  expect(await v.close(fd)).toBe(0);
}

function rdump(img: string): string {
  const out = join(top, `rdump-${Math.random().toString(36).slice(2)}`);
  nfs.mkdirSync(out);
  execFileSync(DEBUGFS, ['-R', `rdump / ${out}`, img], { stdio: 'pipe' });
  return out;
}

describe.skipIf(!haveE2fs)('ext4 write', () => {
  for (const args of [
    ['-b', '4096'],
    ['-b', '1024'],
  ])
    it(`creates, writes, links, renames and removes; e2fsck -fn is clean (${args.join(' ')})`, async () => {
      const img = mkfs(top, '32M', { args });
      const { v, r, log } = await vfsOn(img);
      expect(r, log.join('')).toBe(0);
      const big = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) & 0xff);
      expect(await v.mkdir('/d', 0o755), log.join('')).toBe(0);
      expect(await v.mkdir('/d/e', 0o700)).toBe(0);
      await writeFile(v, '/d/big', big);
      await writeFile(v, '/d/sparse', big.subarray(0, 5000), 10 << 20);
      await writeFile(v, '/small', new TextEncoder().encode('hello\n'));
      expect(await v.symlink('small', '/fast')).toBe(0);
      expect(await v.symlink('x'.repeat(300), '/slow')).toBe(0);
      expect(await v.link('/small', '/d/e/hard')).toBe(0);
      expect(await v.rename('/d/e', '/e2')).toBe(0);
      for (let i = 0; i < 300; i++) await writeFile(v, `/d/f${i}`, new Uint8Array(i));
      for (let i = 0; i < 300; i += 3) expect(await v.unlink(`/d/f${i}`)).toBe(0);
      expect(await v.truncate('/d/big', 70_000)).toBe(0);
      expect(await v.rmdir('/d')).toBe(-Errno.ENOTEMPTY);
      expect(await v.mkdir('/gone', 0o755)).toBe(0);
      expect(await v.rmdir('/gone')).toBe(0);
      const fs = v.st.mountList[0]!.fs;
      expect(await fs.sync()).toBe(0);
      const [status, out] = fsck(img);
      expect(out, 'e2fsck -fn').not.toMatch(/\? no|Unattached|wrong \(/);
      expect(status, out).toBe(0);
      const back = rdump(img);
      const want = join(top, `want-${args[1]}`);
      nfs.mkdirSync(join(want, 'd'), { recursive: true });
      nfs.writeFileSync(join(want, 'd', 'big'), big.subarray(0, 70_000));
      const sp = new Uint8Array((10 << 20) + 5000);
      sp.set(big.subarray(0, 5000), 10 << 20);
      nfs.writeFileSync(join(want, 'd', 'sparse'), sp);
      for (let i = 0; i < 300; i++)
        if (i % 3) nfs.writeFileSync(join(want, 'd', `f${i}`), new Uint8Array(i));
      nfs.writeFileSync(join(want, 'small'), 'hello\n');
      nfs.symlinkSync('small', join(want, 'fast'));
      nfs.symlinkSync('x'.repeat(300), join(want, 'slow'));
      nfs.mkdirSync(join(want, 'e2'), 0o700);
      nfs.linkSync(join(want, 'small'), join(want, 'e2', 'hard'));
      const got = hostWalk(back);
      got.delete('/lost+found');
      const exp = hostWalk(want);
      // rdump writes each name as its own file and does not keep directory modes: compare content
      const plain = (m: Map<string, Entry>) =>
        [...m].map(([k, e]) => ({ k, ...e, nlink: 0, perm: e.type === C.S_IFDIR ? 0 : e.perm }));
      expect(plain(got)).toEqual(plain(exp));
      expect(await v.stat('/e2/hard')).toMatchObject({ nlink: 2, size: 6 });
      expect(await v.stat('/e2')).toMatchObject({ mode: C.S_IFDIR | 0o700 });
    }, 60_000);
});
