// Extent trees grown in place past a full index (Linux's ext4_ext_create_new_leaf): a full root
// moves down a level into a new block, and a full index node below it splits in half, so a leaf
// split never falls back to rebuilding the whole tree. A file written one block in two, in a
// scrambled order, reaches a root of several level-1 index nodes (1 KiB blocks: 84 entries a node)
// with no rebuild; e2fsck -fn is clean and debugfs's dump equals the model.
import * as nfs from 'node:fs';
import { join } from 'node:path';
import * as C from '@runikraft/vfscore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ext4Fs } from '../src/index';
import type { Ext4Writer } from '../src/write';
import { debugfs, fsck, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';

const top = scratch('rk-ext4-grow-');
afterAll(() => rmrf(top));

/** The root's depth and entry count as debugfs's `ex` prints them (`0/ D   i/ N ...`). */
function rootOf(img: string, path: string): { depth: number; entries: number } {
  const m = debugfs(img, `ex ${path}`).match(/^\s*0\/\s*(\d+)\s+\d+\/\s*(\d+)/m);
  if (!m) throw new Error(`no extent tree for ${path}`);
  return { depth: Number(m[1]), entries: Number(m[2]) };
}

describe.skipIf(!haveE2fs)('ext4 extent trees grown in place', () => {
  // 1 KiB: the root grows to depth 2 and a level-1 index node splits (the root gets a second
  // entry); 4 KiB: the root grows twice (a leaf in i_block, then a full root of leaves)
  for (const [bs, n, rootEntries] of [
    [1024, 6000, 2],
    [4096, 1500, 1],
  ] as const)
    it(`${n} extents in scrambled order, ${bs}-byte blocks: no rebuild, depth 2`, async () => {
      const img = mkfs(top, '64M', { args: ['-b', String(bs)] });
      const { v, r, log } = await vfsOn(img);
      expect(r, log.join('')).toBe(0);
      const fs = v.st.mountList[0]!.fs as Ext4Fs;
      const w = (fs as unknown as { writer: Ext4Writer }).writer;
      const model = new Uint8Array(2 * n * bs);
      const fd = await v.open('/frag', C.O_CREAT | C.O_RDWR, 0o644);
      expect(fd).toBeGreaterThanOrEqual(0);
      // every even block, in an order that inserts into the middle of full leaves; the last one
      // first so the size is final and every insert lands left of some extent
      const order = [n - 1];
      for (let k = 0; k < n - 1; k++) order.push((k * 2731) % (n - 1));
      expect(new Set(order).size).toBe(n);
      for (const i of order) {
        const data = new Uint8Array(bs).fill(i & 0xff);
        data[1] = (i >> 8) & 0xff;
        expect(await v.pwrite(fd, data, 2 * i * bs)).toBe(bs);
        model.set(data, 2 * i * bs);
      }
      expect(w.treeRebuilds).toBe(0);
      expect(await v.close(fd)).toBe(0);
      expect(await v.shutdown()).toEqual([]);
      expect(log).toEqual([]);
      const [status, out] = fsck(img);
      expect(status, out).toBe(0);
      const root = rootOf(img, '/frag');
      expect(root.depth).toBe(2);
      // a grown root starts with one entry: a second means an index node below it split
      expect(root.entries).toBeGreaterThanOrEqual(rootEntries);
      const back = join(top, `dump-${bs}`);
      debugfs(img, `dump /frag ${back}`);
      const got = nfs.readFileSync(back);
      const size = (2 * n - 1) * bs;
      expect(got.length).toBe(size);
      expect(Buffer.compare(got, model.subarray(0, size))).toBe(0);
    }, 120_000);
});
