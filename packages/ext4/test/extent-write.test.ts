// Extent trees changed in place: a file written one block in every two (each block its own extent)
// grows an extent tree of one and two levels below i_block; filling holes merges extents with their
// neighbours. A change touches the one leaf that covers it (Linux's ext4_ext_insert_extent), not the
// whole tree: after a sync, filling one more hole writes back a handful of blocks, not every leaf.
// Afterwards e2fsck -fn is clean and debugfs rdump equals the model.
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { join } from 'node:path';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ext4Fs } from '../src/index';
import { DEBUGFS, debugfs, fsck, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';

const top = scratch('rk-ext4-extw-');
afterAll(() => rmrf(top));

describe.skipIf(!haveE2fs)('ext4 extent trees changed in place', () => {
  for (const bs of [1024, 4096])
    it(`fragmented file, ${bs}-byte blocks`, async () => {
      const img = mkfs(top, '64M', { args: ['-b', String(bs)] });
      const { v, r, log } = await vfsOn(img);
      expect(r, log.join('')).toBe(0);
      const n = 1500;
      const model = new Uint8Array(2 * n * bs);
      const fd = await v.open('/frag', C.O_CREAT | C.O_RDWR, 0o644);
      expect(fd).toBeGreaterThanOrEqual(0);
      const put = async (lblk: number, tag: number) => {
        const data = new Uint8Array(bs).fill(tag & 0xff);
        data[0] = lblk & 0xff;
        expect(await v.pwrite(fd, data, lblk * bs)).toBe(bs);
        model.set(data, lblk * bs);
      };
      for (let i = 0; i < n; i++) await put(2 * i, i);
      // holes filled out of order: each merges with its left and right neighbours' runs
      for (let k = 0; k < 300; k++) await put(2 * ((k * 7919) % (n - 1)) + 1, 1000 + k);
      const fs = v.st.mountList[0]!.fs as Ext4Fs;
      expect(await fs.sync()).toBe(0);
      const ex = debugfs(img, 'ex /frag');
      const levels = new Set(ex.match(/^\s*(\d)\/\s*\d/gm)?.map((l) => l.trim()[0]));
      expect(levels.size, ex.slice(0, 400)).toBeGreaterThanOrEqual(2);
      // one more hole in the middle: only its leaf (plus bitmap, descriptor, inode, data) changes
      const before = fs.vol.cache.stats.writebacks;
      let hole = n;
      while (model[hole * bs + 1] !== 0 || hole % 2 === 0) hole++;
      await put(hole, 77);
      expect(await fs.sync()).toBe(0);
      const written = fs.vol.cache.stats.writebacks - before;
      expect(written, `${written} blocks written back`).toBeLessThan(10);
      expect(await v.close(fd)).toBe(0);
      expect(await fs.sync()).toBe(0);
      expect(log).toEqual([]);
      const [status, out] = fsck(img);
      expect(status, out).toBe(0);
      const back = join(top, `rdump-${bs}`);
      nfs.mkdirSync(back);
      execFileSync(DEBUGFS, ['-R', `rdump / ${back}`, img], { stdio: 'pipe' });
      const got = nfs.readFileSync(join(back, 'frag'));
      const size = (2 * n - 1) * bs;
      expect(got.length).toBe(size);
      expect(Buffer.compare(got, model.subarray(0, size))).toBe(0);
    }, 60_000);
});
