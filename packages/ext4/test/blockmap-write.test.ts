// Writing ext2/ext3 images (mkfs -t ext2/ext3: block maps, no extents): files through the direct
// pointers and the single, double and triple indirect blocks (1 KiB blocks: the triple indirect
// block maps from 64.3 MiB), holes, overwrites inside blocks, truncation down across indirect
// levels and up, unlinks, directories that grow (and become indexed). Afterwards e2fsck -fn is clean
// (it checks every pointer, i_blocks, the bitmaps and free counts: a block not freed is a bitmap
// difference) and debugfs rdump equals the model. On ext3 the changes go through its journal.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as nfs from 'node:fs';
import { join } from 'node:path';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import { DEBUGFS, debugfs, fsck, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';
import { type Entry, hostWalk } from './helpers/tree';

const top = scratch('rk-ext4-bmap-');
afterAll(() => rmrf(top));

/** Deterministic bytes: `n` of them from `seed`. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe.skipIf(!haveE2fs)('ext2/ext3 write (block maps)', () => {
  for (const [type, bs] of [
    ['ext2', 1024],
    ['ext3', 1024],
    ['ext2', 4096],
    ['ext3', 4096],
  ] as const)
    it(`${type}, ${bs}-byte blocks: direct, single, double${bs === 1024 ? ', triple' : ''} indirect`, async () => {
      const img = mkfs(top, '64M', { type, args: ['-b', String(bs)] });
      expect(debugfs(img, 'features')).not.toMatch(/extent/);
      const journal = type === 'ext3' ? debugfs(img, 'logdump') : '';
      const { v, r, log } = await vfsOn(img);
      expect(r, log.join('')).toBe(0);
      const model = new Map<string, Uint8Array>();
      // writes `data` at `at` through vfscore and into the model
      const put = async (path: string, data: Uint8Array, at: number) => {
        const fd = await v.open(path, C.O_WRONLY | C.O_CREAT, 0o644);
        expect(fd, `${path}: ${log.join('')}`).toBeGreaterThanOrEqual(0);
        expect(await v.pwrite(fd, data, at), path).toBe(data.length);
        expect(await v.close(fd)).toBe(0);
        const old = model.get(path) ?? new Uint8Array(0);
        const next = new Uint8Array(Math.max(old.length, at + data.length));
        next.set(old);
        next.set(data, at);
        model.set(path, next);
      };
      const cut = async (path: string, size: number) => {
        expect(await v.truncate(path, size), path).toBe(0);
        const old = model.get(path)!;
        const next = new Uint8Array(size);
        next.set(old.subarray(0, Math.min(size, old.length)));
        model.set(path, next);
      };
      const per = bs / 4;
      const single = 12 * bs;
      const double = (12 + per) * bs;
      const triple = (12 + per + per * per) * bs;
      expect(await v.mkdir('/d', 0o755)).toBe(0);
      await put('/small', new TextEncoder().encode('hello\n'), 0);
      // through the direct and single indirect pointers into the double indirect block
      await put('/d/big', bytes(double + 5 * bs + 123, 1), 0);
      // overwrites inside blocks, across the direct/indirect boundary
      await put('/d/big', bytes(3000, 2), single - 1500);
      await put('/d/big', bytes(10, 3), 7);
      // holes: single and double indirect blocks holding one block each
      await put('/d/sparse', bytes(bs + 7, 4), double + 3 * per * bs + 11);
      await put('/d/sparse', bytes(100, 5), single + 2 * bs);
      // the triple indirect block (1 KiB blocks; with 4 KiB it starts at 4 GiB, past this image's rdump)
      if (bs === 1024) {
        await put('/d/triple', bytes(5 * bs, 6), triple + (per - 2) * bs);
        await put('/d/triple', bytes(50, 7), 100);
        await put('/d/triple2', bytes(20, 8), triple + 3);
        await cut('/d/triple2', 5);
      }
      // truncation down across levels (frees the indirect blocks past the end), then up (a hole)
      await put('/d/cut', bytes(double + 2 * per * bs, 9), 0);
      await cut('/d/cut', single + 10);
      await cut('/d/cut', single + 3 * bs);
      await put('/d/cut', bytes(5, 10), double + 40 * bs);
      await put('/d/cut2', bytes(single + 4 * bs, 11), 0);
      await cut('/d/cut2', 0);
      // files that come and go, directories that grow past one block
      for (let i = 0; i < 200; i++)
        await put(`/d/file-with-a-longer-name-${i}`, bytes(i * 37, 100 + i), 0);
      for (let i = 0; i < 200; i += 3) {
        expect(await v.unlink(`/d/file-with-a-longer-name-${i}`)).toBe(0);
        model.delete(`/d/file-with-a-longer-name-${i}`);
      }
      await put('/gone', bytes(double + bs, 12), 0);
      expect(await v.unlink('/gone')).toBe(0);
      model.delete('/gone');
      expect(await v.mkdir('/e', 0o700)).toBe(0);
      expect(await v.rename('/small', '/e/small')).toBe(0);
      model.set('/e/small', model.get('/small')!);
      model.delete('/small');
      expect(await v.symlink('y'.repeat(200), '/e/slow')).toBe(0);
      expect(await v.symlink('small', '/e/fast')).toBe(0);
      // reads back through the driver before the image is checked
      for (const [path, want] of model) {
        const st = await v.stat(path);
        expect(st, path).toMatchObject({ size: want.length });
        const fd = await v.open(path, C.O_RDONLY, 0);
        const got = new Uint8Array(want.length);
        expect(await v.pread(fd, got, 0)).toBe(want.length);
        await v.close(fd);
        expect(Buffer.compare(got, want), path).toBe(0);
      }
      expect(await v.st.mountList[0]!.fs.sync()).toBe(0);
      expect(log).toEqual([]);
      const [status, out] = fsck(img);
      expect(status, out).toBe(0);
      expect(debugfs(img, 'stat /d')).toMatch(/Flags: 0x1000\b/);
      const back = join(top, `rdump-${type}-${bs}`);
      nfs.mkdirSync(back);
      execFileSync(DEBUGFS, ['-R', `rdump / ${back}`, img], { stdio: 'pipe' });
      const got = hostWalk(back);
      got.delete('/lost+found');
      const want = new Map<string, Entry>();
      const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
      for (const [k, e] of got) {
        if (e.type !== C.S_IFREG) continue;
        const data = nfs.readFileSync(join(back, k));
        want.set(k, e);
        expect(digest(data), k).toBe(digest(model.get(k) ?? new Uint8Array(0)));
      }
      expect([...want.keys()].sort()).toEqual([...model.keys()].sort());
      expect(nfs.readlinkSync(join(back, 'e', 'slow'))).toBe('y'.repeat(200));
      rmrf(back);
      if (type === 'ext3') {
        // the changes went through the ext3 journal, checkpointed and empty again after sync
        const seq = (s: string) =>
          Number(/^Journal starts at block 0, transaction (\d+)$/m.exec(s)?.[1]);
        expect(seq(debugfs(img, 'logdump'))).toBeGreaterThan(seq(journal));
      }
    }, 120_000);
});
