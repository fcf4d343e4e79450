// Growing hash indexes past one level: long names on 1 KiB blocks fill the root (123 leaves) and
// then its index nodes (126 leaves each), which split; without large_dir the index stops at the
// root plus one level of nodes (ENOSPC, as Linux's "Directory index full"), with large_dir a third
// level is added. Also a plain directory becomes indexed when its one block is full (Linux's
// make_indexed_dir). After each: e2fsck -fn (index order, hash ranges, checksums, every block
// referenced) is clean, debugfs finds names through the index and lists them all, and a fresh mount
// finds every name.
import { execFileSync } from 'node:child_process';
import { Errno } from '@runikraft/errno';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import { DEBUGFS, debugfs, fsck, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';

const top = scratch('rk-ext4-htg-');
afterAll(() => rmrf(top));

/** The indirect levels debugfs reports for `dir`, and the leaves it lists. */
function htreeShape(img: string, dir: string): { levels: number; leaves: number } {
  const out = execFileSync(DEBUGFS, ['-R', `htree ${dir}`, img], {
    stdio: 'pipe',
    maxBuffer: 1 << 30,
  }).toString();
  const levels = Number(/Indirect levels: (\d+)/.exec(out)?.[1] ?? -1);
  const leaves = (out.match(/^Reading directory block \d+, phys \d+$/gm) ?? []).length;
  return { levels, leaves };
}

/** Names of `len` bytes, distinct by their index. */
const longName = (i: number, len: number) => `${i}-`.padEnd(len, 'abcdefghij'[i % 10]);

async function fill(img: string, n: number, len: number) {
  const { v, r, log } = await vfsOn(img);
  expect(r, log.join('')).toBe(0);
  expect(await v.mkdir('/d', 0o755)).toBe(0);
  // hard links add only directory entries (a few files: each may have 65,000 links)
  const targets = Math.ceil(n / 60_000);
  for (let t = 0; t < targets; t++) {
    const fd = await v.open(`/t${t}`, C.O_CREAT | C.O_WRONLY, 0o644);
    expect(fd).toBeGreaterThanOrEqual(0);
    await v.close(fd);
  }
  let added = 0;
  let stop = 0;
  for (; added < n; added++) {
    const e = await v.link(`/t${Math.floor(added / 60_000)}`, `/d/${longName(added, len)}`);
    if (e !== 0) {
      stop = e;
      break;
    }
  }
  expect(await v.st.mountList[0]!.fs.sync()).toBe(0);
  return { v, added, stop, log };
}

describe.skipIf(!haveE2fs)('ext4 htree growth', () => {
  it('splits full index nodes under a two-level root (1 KiB blocks)', async () => {
    const img = mkfs(top, '64M', { args: ['-b', '1024', '-N', '2048'] });
    const n = 3000;
    const { added, log } = await fill(img, n, 200);
    expect(added, log.join('')).toBe(n);
    const [status, out] = fsck(img);
    expect(status, out).toBe(0);
    const shape = htreeShape(img, '/d');
    expect(shape.levels).toBe(1);
    expect(shape.leaves).toBeGreaterThan(2 * 126);
    // debugfs looks names up through the index
    for (const i of [0, 1, 777, 1500, 2999])
      expect(debugfs(img, `stat "/d/${longName(i, 200)}"`)).toMatch(/Links: 3001\s/);
    const names = debugfs(img, 'ls /d')
      .split(/\s+\(\d+\)\s+/)
      .map((s) => s.trim())
      .filter((s) => s.includes('-'));
    expect(new Set(names).size).toBe(n);
    const again = await vfsOn(img);
    for (let i = 0; i < n; i += 3)
      expect(await again.v.stat(`/d/${longName(i, 200)}`), `${i}`).toMatchObject({ size: 0 });
    expect(await again.v.stat(`/d/${longName(n, 200)}`)).toBe(-Errno.ENOENT);
  }, 60_000);

  for (const largeDir of [false, true])
    it(`fills the index to ${largeDir ? 'three levels (large_dir)' : 'its two-level limit (ENOSPC)'}`, async () => {
      const args = ['-b', '1024', '-N', '2048', '-O', largeDir ? 'large_dir' : '^large_dir'];
      const img = mkfs(top, '96M', { args });
      const n = 40_000;
      const { added, stop, log } = await fill(img, n, 255);
      if (largeDir) expect(added, log.join('')).toBe(n);
      else {
        expect(stop).toBe(-Errno.ENOSPC);
        expect(log.join('')).toMatch(/hash index full \(2 levels\)/);
        // 123 x 126 leaves of 255-byte names
        expect(added).toBeGreaterThan(123 * 126);
      }
      const [status, out] = fsck(img);
      expect(status, out).toBe(0);
      const shape = htreeShape(img, '/d');
      expect(shape.levels).toBe(largeDir ? 2 : 1);
      const again = await vfsOn(img);
      for (let i = 0; i < added; i += 97)
        expect(await again.v.stat(`/d/${longName(i, 255)}`), `${i}`).toMatchObject({ size: 0 });
      expect(await again.v.stat(`/d/${longName(added - 1, 255)}`)).toMatchObject({ size: 0 });
      expect(await again.v.stat(`/d/${longName(added, 255)}`)).toBe(-Errno.ENOENT);
    }, 120_000);

  for (const args of [
    ['-b', '4096'],
    ['-b', '1024', '-O', '^metadata_csum'],
  ])
    it(`indexes a plain directory when its block is full (${args.join(' ')})`, async () => {
      const img = mkfs(top, '32M', { args });
      const indexFlag = (dir: string) =>
        (Number(/Flags: (0x[0-9a-f]+)/.exec(debugfs(img, `stat ${dir}`))?.[1]) & 0x1000) !== 0;
      expect(indexFlag('/')).toBe(false);
      const { v, r, log } = await vfsOn(img);
      expect(r, log.join('')).toBe(0);
      expect(await v.mkdir('/p', 0o755)).toBe(0);
      const n = 600;
      for (const dir of ['/p', '']) {
        for (let i = 0; i < n; i++) {
          const fd = await v.open(`${dir}/file-number-${i}`, C.O_CREAT | C.O_WRONLY, 0o644);
          expect(fd, `${dir} ${i}: ${log.join('')}`).toBeGreaterThanOrEqual(0);
          expect(await v.close(fd)).toBe(0);
        }
        for (let i = 0; i < n; i += 5) expect(await v.unlink(`${dir}/file-number-${i}`)).toBe(0);
        for (let i = 1; i < n; i += 5)
          expect(await v.rename(`${dir}/file-number-${i}`, `${dir}/moved-${i}`)).toBe(0);
      }
      expect(await v.st.mountList[0]!.fs.sync()).toBe(0);
      const [status, out] = fsck(img);
      expect(status, out).toBe(0);
      for (const dir of ['/p', '/']) {
        const shape = htreeShape(img, dir);
        expect(shape.levels, dir).toBe(0);
        expect(shape.leaves, dir).toBeGreaterThan(2);
        expect(indexFlag(dir)).toBe(true);
      }
      const want = (dir: string) => {
        const names = new Set<string>();
        for (let i = 0; i < n; i++)
          if (i % 5 === 1) names.add(`moved-${i}`);
          else if (i % 5) names.add(`file-number-${i}`);
        if (dir === '/') names.add('lost+found').add('p');
        return [...names].sort();
      };
      for (const dir of ['/p', '/']) {
        const listed = debugfs(img, `ls -p ${dir}`)
          .split('\n')
          // an entry removed from the start of a block stays with inode 0 (as Linux leaves it)
          .filter((l) => !l.startsWith('/0/'))
          .map((l) => l.split('/')[5])
          .filter((x): x is string => !!x && x !== '.' && x !== '..');
        expect(listed.sort(), dir).toEqual(want(dir));
      }
      const again = await vfsOn(img);
      for (const dir of ['/p', '']) {
        for (const name of want(dir || '/'))
          expect(await again.v.stat(`${dir}/${name}`), name).not.toBeTypeOf('number');
        expect(await again.v.stat(`${dir}/file-number-0`)).toBe(-Errno.ENOENT);
        expect(await again.v.stat(`${dir}/file-number-1`)).toBe(-Errno.ENOENT);
      }
      expect(log).toEqual([]);
    }, 60_000);
});
