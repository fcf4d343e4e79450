// Adding entries to hash-indexed directories (made by e2fsck -D from a mkfs.ext4 -d tree): leaves
// fill and split, new index entries go into the root; afterwards e2fsck -fn (which checks the index
// order, hash ranges and checksums) is clean, debugfs htree shows the new leaves, and every name is
// found through the index. Also rename and unlink inside an indexed directory.
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import { debugfs, E2FSCK, fsck, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';

const top = scratch('rk-ext4-htw-');
afterAll(() => rmrf(top));

describe.skipIf(!haveE2fs)('ext4 htree insertion', () => {
  for (const bs of ['1024', '4096'])
    it(`keeps an indexed directory valid while it grows (${bs}-byte blocks)`, async () => {
      const src = join(top, `src-${bs}`);
      nfs.mkdirSync(join(src, 'dir'), { recursive: true });
      for (let i = 0; i < 400; i++) nfs.writeFileSync(join(src, 'dir', `old-${i}`), '');
      const img = mkfs(top, '32M', { dir: src, args: ['-b', bs] });
      try {
        execFileSync(E2FSCK, ['-fyD', img], { stdio: 'pipe' });
      } catch {}
      const before = debugfs(img, 'htree /dir');
      expect(before).toContain('Root node dump');
      const leaves = (s: string) =>
        (s.match(/^Entry #\d+: Hash 0x[0-9a-f]+, block \d+$/gm) ?? []).length;
      const { v, r, log } = await vfsOn(img);
      expect(r, log.join('')).toBe(0);
      const n = bs === '1024' ? 1500 : 3000;
      for (let i = 0; i < n; i++) {
        const fd = await v.open(
          `/dir/new-file-with-a-longer-name-${i}`,
          C.O_CREAT | C.O_WRONLY,
          0o644,
        );
        expect(fd, `create ${i}: ${log.join('')}`).toBeGreaterThanOrEqual(0);
        await v.close(fd);
      }
      for (let i = 0; i < 400; i += 2) expect(await v.unlink(`/dir/old-${i}`)).toBe(0);
      for (let i = 1; i < 400; i += 4)
        expect(await v.rename(`/dir/old-${i}`, `/dir/renamed-${i}`)).toBe(0);
      expect(await v.st.mountList[0]!.fs.sync()).toBe(0);
      const [status, out] = fsck(img);
      expect(status, out).toBe(0);
      expect(leaves(debugfs(img, 'htree /dir'))).toBeGreaterThan(leaves(before));
      // a fresh mount finds every name through the index
      const again = await vfsOn(img);
      for (let i = 0; i < n; i += 7)
        expect(await again.v.stat(`/dir/new-file-with-a-longer-name-${i}`), `${i}`).toMatchObject({
          size: 0,
        });
      for (let i = 1; i < 400; i += 4)
        expect(await again.v.stat(`/dir/renamed-${i}`)).toMatchObject({ size: 0 });
      expect(await again.v.stat('/dir/old-0')).toBe(-Errno.ENOENT);
      expect(await again.v.stat('/dir/old-3')).toMatchObject({ size: 0 });
      expect(log).toEqual([]);
    }, 60_000);
});
