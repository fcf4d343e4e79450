// Read-only mounts of images made by the real mkfs.ext4 -d from generated trees, read back through
// vfscore and compared with the source tree (node:fs): ext4 with 4 KiB and 1 KiB blocks, ext3 and
// ext2 (block maps), with the directories indexed by e2fsck -D (htree; the two-level case is in cache.test.ts).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debugfs, E2FSCK, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';
import { guestWalk, hostWalk, makeTree } from './helpers/tree';

const top = scratch('rk-ext4-read-');
const src = join(top, 'src');
afterAll(() => rmrf(top));
beforeAll(() => {
  if (haveE2fs) makeTree(src, { many: 1500, depth: 30, huge: true, seed: 11 });
});

const cases: [string, string, string[], string?][] = [
  ['ext4, 4 KiB blocks (Debian defaults)', '256M', []],
  ['ext4, 1 KiB blocks', '256M', ['-b', '1024']],
  [
    'ext4 without metadata_csum: uninit_bg crc16 descriptors',
    '256M',
    ['-O', '^metadata_csum,uninit_bg'],
  ],
  [
    'ext4 with meta_bg descriptors and a checksum seed',
    '256M',
    ['-O', 'meta_bg,^resize_inode,metadata_csum_seed'],
  ],
  ['ext3 (block maps, journal)', '256M', [], 'ext3'],
  ['ext2 (block maps)', '256M', [], 'ext2'],
];

describe.skipIf(!haveE2fs)('ext4 read: mkfs.ext4 -d images read back equal the source tree', () => {
  for (const [name, size, args, type] of cases)
    it(name, async () => {
      const img = mkfs(top, size, { dir: src, args, type });
      try {
        execFileSync(E2FSCK, ['-fyD', img], { stdio: 'pipe' });
      } catch (e) {
        expect((e as { status: number }).status, 'e2fsck -D').toBeLessThan(4);
      }
      // the shapes this case is meant to exercise are really there
      const levels = /Indirect levels: (\d)/.exec(debugfs(img, 'htree /many'))?.[1];
      expect(levels, 'many/ is indexed').toBeDefined();
      if (type === undefined) expect(debugfs(img, 'ex /sparse')).toMatch(/^ 0\/ 1 /m);
      const { v, r, log } = await vfsOn(img);
      expect(r, log.join('')).toBe(0);
      const want = hostWalk(src);
      const got = await guestWalk(v);
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [k, e] of want) expect(got.get(k), k).toEqual(e);
      // ext2/ext3 (block maps) mount read-write like ext4, without a word
      expect(log).toEqual([]);
    }, 120_000);
});
