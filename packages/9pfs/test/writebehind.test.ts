// cache=loose holds small writes back (vfscore's RkWriteBehind) as Linux's v9fs keeps dirty pages in
// a caching mode: SQLite's pattern (a file written in 4 KiB pages, then fsync) returns from every
// write without a request and reaches diod as Twrites of up to msize before fsync returns; reads
// and close send what is held first, getattr answers from the attributes the writes grew (as
// Linux's v9fs updates its inode); cache=none sends every write at once.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { O_RDONLY, O_RDWR } from '@runikraft/vfscore';
import type { RkFsAttr } from '@runikraft/vfscore/driver';
import { describe, expect, it } from 'vitest';
import type { P9Handle, P9Node } from '../src/index';
import { haveDiod, mountDiod } from './helpers';

const PAGE = 4096;
const PAGES = 64;

function page(k: number): Uint8Array {
  return new Uint8Array(PAGE).map((_, i) => (k * 31 + i * 7) & 0xff);
}

const attr = (): RkFsAttr => {
  const t = () => ({ sec: 0, nsec: 0 });
  return {
    ...{ ino: 0, mode: 0, nlink: 0, uid: 0, gid: 0, rdev: 0, size: 0, blocks: 0, blksize: 0 },
    ...{ atime: t(), mtime: t(), ctime: t() },
  };
};

async function created(m: Awaited<ReturnType<typeof mountDiod>>, name: string) {
  const f = (await m.fs.create(m.fs.root, name, 0o644)) as P9Node;
  expect(typeof f).toBe('object');
  return { f, h: (await m.fs.open(f, O_RDWR)) as P9Handle };
}

describe.skipIf(!haveDiod)('9pfs write-behind', () => {
  it('cache=loose: 4 KiB pages cost no request each; fsync sends them in msize Twrites first', async () => {
    const m = await mountDiod('cache=loose,msize=65536');
    try {
      const { f, h } = await created(m, 'db');
      const host = join(m.diod.dir, 'db');
      const before = m.fs.client.dev.stats.requests;
      for (let k = 0; k < PAGES; k++) expect(m.fs.write(h, page(k), k * PAGE)).toBe(PAGE);
      expect(m.fs.client.dev.stats.requests - before).toBe(0);
      expect(statSync(host).size).toBe(0); // diod has not seen them
      // SQLite rewrites its header page before the sync
      expect(m.fs.write(h, page(999), 0)).toBe(PAGE);
      expect(await m.fs.fsync(h, false)).toBe(0);
      const sent = m.fs.client.dev.stats.requests - before;
      // 256 KiB in Twrites of up to one message each, and the Tfsync
      expect(sent).toBeLessThanOrEqual(Math.ceil((PAGES * PAGE) / m.fs.client.ioSize(h.fid)) + 1);
      const data = readFileSync(host);
      expect(data.length).toBe(PAGES * PAGE);
      for (let k = 0; k < PAGES; k++)
        expect(Buffer.compare(data.subarray(k * PAGE, (k + 1) * PAGE), page(k ? k : 999))).toBe(0);
      expect(await m.fs.close(h)).toBe(0);
      m.fs.release(f);
    } finally {
      await m.close();
    }
  });

  it('cache=loose: getattr and another handle read what is held; close sends it', async () => {
    const m = await mountDiod('cache=loose,msize=16384');
    try {
      const { h } = await created(m, 'f');
      const a = attr();
      expect(await m.fs.getattr(h.node, a)).toBe(0); // cached attributes: size 0
      for (let k = 0; k < 5; k++) expect(m.fs.write(h, page(k), k * PAGE)).toBe(PAGE);
      expect(await m.fs.getattr(h.node, a)).toBe(0);
      expect(a.size).toBe(5 * PAGE);
      expect(m.fs.write(h, page(7), 5 * PAGE)).toBe(PAGE);
      const r = (await m.fs.open(h.node, O_RDONLY)) as P9Handle;
      const got = new Uint8Array(PAGE);
      expect(await m.fs.read(r, got, 5 * PAGE)).toBe(PAGE);
      expect(Buffer.compare(got, page(7))).toBe(0);
      expect(m.fs.write(h, page(8), 6 * PAGE)).toBe(PAGE);
      expect(await m.fs.close(h)).toBe(0);
      expect(statSync(join(m.diod.dir, 'f')).size).toBe(7 * PAGE);
      expect(await m.fs.close(r)).toBe(0);
    } finally {
      await m.close();
    }
  });

  it('cache=loose: getattr after writes answers from attributes the writes grew, without a request', async () => {
    const m = await mountDiod('cache=loose,msize=16384');
    try {
      const { h } = await created(m, 'g');
      const a = attr();
      expect(await m.fs.getattr(h.node, a)).toBe(0);
      const requests = () => m.fs.client.dev.stats.requests;
      let n = requests();
      expect(m.fs.write(h, page(1), 3 * PAGE)).toBe(PAGE); // held back
      expect(m.fs.getattr(h.node, a)).toBe(0); // synchronous
      expect(requests()).toBe(n);
      expect(a.size).toBe(4 * PAGE);
      expect(a.mtime).toEqual({ sec: 1_800_000_000, nsec: 0 }); // the guest clock (testEnv)
      expect(a.ctime).toEqual({ sec: 1_800_000_000, nsec: 0 });
      // larger than a message: sent at once (after the held page), and still no Tgetattr after it
      const big = new Uint8Array(40_000).fill(5);
      expect(await m.fs.write(h, big, 4 * PAGE)).toBe(40_000);
      n = requests();
      expect(m.fs.getattr(h.node, a)).toBe(0);
      expect(requests()).toBe(n);
      expect(a.size).toBe(4 * PAGE + 40_000);
      expect(await m.fs.fsync(h, false)).toBe(0);
      expect(statSync(join(m.diod.dir, 'g')).size).toBe(4 * PAGE + 40_000);
      // a write inside the file keeps the size; truncation asks the server again
      expect(m.fs.write(h, page(2), 0)).toBe(PAGE);
      expect(m.fs.getattr(h.node, a)).toBe(0);
      expect(a.size).toBe(4 * PAGE + 40_000);
      expect(await m.fs.setattr(h.node, { size: 10 })).toBe(0);
      n = requests();
      expect(await m.fs.getattr(h.node, a)).toBe(0);
      expect(requests() - n).toBe(1);
      expect(a.size).toBe(10);
      expect(await m.fs.close(h)).toBe(0);
    } finally {
      await m.close();
    }
  });

  it('cache=none sends every write', async () => {
    const m = await mountDiod('cache=none,msize=65536');
    try {
      const { h } = await created(m, 'g');
      const before = m.fs.client.dev.stats.requests;
      for (let k = 0; k < 8; k++) {
        const w = m.fs.write(h, page(k), k * PAGE);
        expect(typeof w).not.toBe('number');
        expect(await w).toBe(PAGE);
      }
      expect(m.fs.client.dev.stats.requests - before).toBe(8);
      expect(statSync(join(m.diod.dir, 'g')).size).toBe(8 * PAGE);
      expect(await m.fs.close(h)).toBe(0);
    } finally {
      await m.close();
    }
  });
});
