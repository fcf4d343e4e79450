// The block cache's LRU bound holds over a whole-tree walk (and the walk still reads everything
// right), and name lookups in an indexed directory read only the index path and one leaf.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debugfs, E2FSCK, haveE2fs, mkfs, mountImage, rmrf, scratch, vfsOn } from './helpers/image';
import { guestWalk, hostWalk, makeTree } from './helpers/tree';

const top = scratch('rk-ext4-cache-');
const src = join(top, 'src');
afterAll(() => rmrf(top));
beforeAll(() => {
  if (haveE2fs) makeTree(src, { many: 4000, depth: 8, huge: false, seed: 5 });
});

describe.skipIf(!haveE2fs)('ext4 block cache', () => {
  it('stays within cache= while walking the whole tree, evicting least recently used', async () => {
    const img = mkfs(top, '64M', { dir: src });
    const { v, r, log } = await vfsOn(img, 'cache=128');
    expect(r, log.join('')).toBe(0);
    expect(await guestWalk(v)).toEqual(hostWalk(src));
    const fs = v.st.mountList[0]!.fs as import('../src/fs').Ext4Fs;
    const bound = (128 * 1024) / fs.vol.blockSize;
    expect(fs.vol.cache.maxBlocks).toBe(bound);
    expect(fs.vol.cache.size).toBeLessThanOrEqual(bound);
    expect(fs.vol.cache.stats.evictions).toBeGreaterThan(100);
  });

  it('looks a name up in a 1 KiB-block two-level htree by reading root, node and one leaf', async () => {
    const img = mkfs(top, '64M', { dir: src, args: ['-b', '1024'] });
    try {
      execFileSync(E2FSCK, ['-fyD', img], { stdio: 'pipe' });
    } catch {}
    expect(debugfs(img, 'htree /many')).toContain('Indirect levels: 1');
    const m = await mountImage(img);
    if ('errno' in m) throw new Error(m.log.join(''));
    const many = await m.fs.lookup(m.fs.root, 'many');
    if (typeof many === 'number') throw new Error(`lookup many: ${many}`);
    expect(many.inode.size / 1024).toBeGreaterThan(120); // blocks a linear scan would read
    const stats = m.fs.vol.cache.stats;
    for (const i of [0, 777, 1999, 3999]) {
      const before = stats.misses;
      const name = `entry-${i.toString(36)}-${'x'.repeat(i % 23)}`;
      const n = await m.fs.lookup(many, name);
      expect(typeof n, name).toBe('object');
      // root and interior index blocks stay cached after the first lookup; at most 4 reads each
      expect(stats.misses - before).toBeLessThanOrEqual(4);
    }
    expect(await m.fs.lookup(many, 'no-such-entry')).toBe(-2);
    await m.close();
  });
});
