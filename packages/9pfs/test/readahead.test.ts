// cache=loose reads ahead of sequential reads (as Linux's page cache does for v9fs cache=loose): small
// sequential reads cost one request per message and most are answered synchronously from the window;
// a change through the mount drops it; random reads and cache=none fetch exactly what was asked.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { O_RDONLY, O_RDWR } from '@runikraft/vfscore';
import type { RkFsAttr } from '@runikraft/vfscore/driver';
import { describe, expect, it } from 'vitest';
import type { P9Handle, P9Node } from '../src/index';
import { MAX_MESSAGES, P9ReadAhead, PAGE } from '../src/readahead';
import { haveDiod, mountDiod } from './helpers';

const SIZE = 100_000;

const attr = (): RkFsAttr => {
  const t = () => ({ sec: 0, nsec: 0 });
  return {
    ...{ ino: 0, mode: 0, nlink: 0, uid: 0, gid: 0, rdev: 0, size: 0, blocks: 0, blksize: 0 },
    ...{ atime: t(), mtime: t(), ctime: t() },
  };
};
const pattern = () => new Uint8Array(SIZE).map((_, i) => (i * 7 + (i >> 9)) & 0xff);

/** Reads the whole file in 1 KiB reads; @returns the bytes, requests sent, reads answered at once. */
async function readAll(m: Awaited<ReturnType<typeof mountDiod>>, h: P9Handle) {
  const out = new Uint8Array(SIZE + 1024);
  const before = m.fs.client.dev.stats.requests;
  let at = 0;
  let sync = 0;
  let reads = 0;
  for (;;) {
    reads++;
    const r = m.fs.read(h, out.subarray(at, at + 1024), at);
    if (typeof r === 'number') sync++;
    const n = await r;
    expect(n).toBeGreaterThanOrEqual(0);
    if (n === 0) break;
    at += n;
  }
  return {
    data: out.subarray(0, at),
    requests: m.fs.client.dev.stats.requests - before,
    sync,
    reads,
  };
}

describe.skipIf(!haveDiod)('9pfs read-ahead', () => {
  it('cache=loose: sequential small reads cost one request per message; writes through the mount are copied into the window', async () => {
    const m = await mountDiod('cache=loose,msize=16384');
    try {
      const data = pattern();
      writeFileSync(join(m.diod.dir, 'f'), data);
      const f = (await m.fs.lookup(m.fs.root, 'f')) as P9Node;
      const h = (await m.fs.open(f, O_RDONLY)) as P9Handle;
      const all = await readAll(m, h);
      expect(all.data).toEqual(data);
      const perMessage = m.fs.client.ioSize(h.fid);
      // 98 reads of 1 KiB: one request per message (plus the final EOF read)...
      expect(all.requests).toBeLessThanOrEqual(Math.ceil(SIZE / perMessage) + 1);
      // ...in windows of 1, 2, then 4 messages (16 + 32 + 64 KiB cover the file): the reader
      // parks 3 times and at the EOF read, not once per message (7 + 1)
      expect(all.reads - all.sync).toBeLessThanOrEqual(4);
      // a write through the mount (another handle) is seen by the next read: a small read
      // elsewhere fetched its page, and the write is copied into it (held back, not yet sent)
      const w = (await m.fs.open(f, O_RDWR)) as P9Handle;
      const b = new Uint8Array(4);
      expect(await m.fs.read(h, b, 5000)).toBe(4);
      expect(await m.fs.write(w, new Uint8Array([1, 2, 3, 4]), 5000)).toBe(4);
      let before = m.fs.client.dev.stats.requests;
      expect(m.fs.read(h, b, 5000)).toBe(4); // synchronous: from the page
      expect([...b]).toEqual([1, 2, 3, 4]);
      expect(m.fs.client.dev.stats.requests).toBe(before);
      expect(await m.fs.fsync(w, false)).toBe(0); // the held write goes out
      // a write running past the page is copied into the part it overlaps
      expect(await m.fs.write(w, new Uint8Array(PAGE).fill(7), 6000)).toBe(PAGE);
      expect(await m.fs.fsync(w, false)).toBe(0);
      before = m.fs.client.dev.stats.requests;
      expect(m.fs.read(h, b, 5998)).toBe(4);
      expect([...b]).toEqual([...data.subarray(5998, 6000), 7, 7]);
      expect(m.fs.client.dev.stats.requests).toBe(before);
      // past the end of the file as this mount knows it: 0 at once
      const st = attr();
      expect(await m.fs.getattr(f, st)).toBe(0);
      expect(st.size).toBe(SIZE);
      before = m.fs.client.dev.stats.requests;
      expect(m.fs.read(h, b, SIZE + 100)).toBe(0);
      expect(m.fs.client.dev.stats.requests).toBe(before);
      // small reads elsewhere fetch their page: one request each, then answered from it
      before = m.fs.client.dev.stats.requests;
      for (const off of [90_000, 20_000, 60_000]) {
        const r = m.fs.read(h, b, off);
        expect(typeof r).not.toBe('number');
        expect(await r).toBe(4);
        expect([...b]).toEqual([...data.subarray(off, off + 4)]);
        expect(m.fs.read(h, b, off + 4)).toBe(4);
        expect([...b]).toEqual([...data.subarray(off + 4, off + 8)]);
      }
      expect(m.fs.client.dev.stats.requests - before).toBe(3);
      await m.fs.close(w);
      await m.fs.close(h);
    } finally {
      await m.close();
    }
  });

  it('cache=none asks the server on every read', async () => {
    const m = await mountDiod('cache=none,msize=16384');
    try {
      writeFileSync(join(m.diod.dir, 'f'), pattern());
      const f = (await m.fs.lookup(m.fs.root, 'f')) as P9Node;
      const h = (await m.fs.open(f, O_RDONLY)) as P9Handle;
      const all = await readAll(m, h);
      expect(all.data).toEqual(pattern());
      expect(all.sync).toBe(0);
      expect(all.requests).toBe(Math.ceil(SIZE / 1024) + 1);
      await m.fs.close(h);
    } finally {
      await m.close();
    }
  });
});

describe('P9ReadAhead.hit at the end of a window', () => {
  const bytes = Uint8Array.from({ length: 10 }, (_, i) => i + 1);
  const ahead = (eof: boolean) => {
    const a = new P9ReadAhead();
    a.keep(7, bytes, 100, eof ? 20 : 10, 3, 3, a.writes);
    return a;
  };

  it('answers a read running past a short fetch (the end of the file) with what is left, then 0', () => {
    const a = ahead(true);
    const buf = new Uint8Array(4);
    expect(a.hit(7, buf, 108, 3)).toBe(2);
    expect([...buf]).toEqual([9, 10, 0, 0]);
    expect(a.hit(7, buf, 110, 3)).toBe(0);
    // past the end it knows: the server is asked (a miss)
    expect(a.hit(7, buf, 111, 3)).toBe(-1);
  });

  it('misses a read running past a full window, and any read after a change', () => {
    const a = ahead(false);
    const buf = new Uint8Array(4);
    expect(a.hit(7, buf, 108, 3)).toBe(-1);
    expect(a.hit(7, buf, 110, 3)).toBe(-1);
    expect(a.hit(7, buf, 104, 3)).toBe(4);
    expect([...buf]).toEqual([5, 6, 7, 8]);
    expect(a.hit(7, buf, 104, 4)).toBe(-1);
    expect(a.hit(7, buf, 99, 3)).toBe(-1);
  });
});

describe('P9ReadAhead windows', () => {
  const M = 1000;
  /** Keeps a full window of `want` bytes at `at` for inode `ino` and reads it to its end. */
  const fill = (a: P9ReadAhead, ino: number, at: number, want: number) => {
    const data = a.buffer(want);
    data.fill(ino);
    a.keep(ino, data, at, want, 1, 1, a.writes);
    const buf = new Uint8Array(want);
    expect(a.hit(ino, buf, at, 1)).toBe(want);
    return data;
  };

  it('double for a reader that keeps going sequentially, up to MAX_MESSAGES messages', () => {
    const a = new P9ReadAhead();
    let at = 0;
    let want = a.plan(7, 100, 0, M).want;
    const sizes = [want];
    for (let i = 0; i < 5; i++) {
      fill(a, 7, at, want);
      at += want;
      want = a.plan(7, 100, at, M).want;
      sizes.push(want);
    }
    expect(MAX_MESSAGES).toBeGreaterThan(2);
    const ramp = [M];
    while (ramp.length < sizes.length) ramp.push(Math.min(MAX_MESSAGES * M, 2 * ramp.at(-1)!));
    expect(sizes).toEqual(ramp);
    // a read elsewhere is not sequential: it fetches what it asks; a large read likewise
    expect(a.plan(7, 100, at + 5, M)).toEqual({ at: at + 5, want: 100 });
    expect(a.plan(7, 2 * M, at, M)).toEqual({ at, want: 2 * M });
  });

  it('reuse the buffer of a replaced window for the next fetch, never one a window still holds', () => {
    const a = new P9ReadAhead();
    const first = fill(a, 7, 0, M);
    const other = fill(a, 8, 0, M);
    // both windows are live: a fetch gets a buffer of its own
    const fresh = a.buffer(M);
    expect(fresh.buffer).not.toBe(first.buffer);
    expect(fresh.buffer).not.toBe(other.buffer);
    // inode 7's next window replaces the first: the next fetch reuses the first one's buffer
    a.keep(7, fresh, M, M, 1, 1, a.writes);
    const next = a.buffer(M);
    expect(next.buffer).toBe(first.buffer);
    // taken once: the one after gets another buffer, and inode 8's window still reads its bytes
    expect(a.buffer(M).buffer).not.toBe(first.buffer);
    const buf = new Uint8Array(4);
    expect(a.hit(8, buf, 0, 1)).toBe(4);
    expect([...buf]).toEqual([8, 8, 8, 8]);
    // a fetch that a change overtook keeps no window, and its buffer is reused too
    a.keep(9, next, 0, M, 1, 2, a.writes);
    expect(a.hit(9, buf, 0, 2)).toBe(-1);
    expect(a.buffer(M).buffer).toBe(first.buffer);
  });
});

describe('P9ReadAhead pages and writes', () => {
  const MSG = 16 * PAGE;

  it('a small read that is not sequential fetches its whole page', () => {
    const a = new P9ReadAhead();
    a.passed(7, 100);
    expect(a.plan(7, 16, 24, MSG)).toEqual({ at: 0, want: PAGE });
    expect(a.plan(7, 16, PAGE + 8, MSG)).toEqual({ at: PAGE, want: PAGE });
    // one running over the end of its page, or a large one, fetches what it asks
    expect(a.plan(7, 16, PAGE - 8, MSG)).toEqual({ at: PAGE - 8, want: 16 });
    expect(a.plan(7, PAGE, 8, MSG)).toEqual({ at: 8, want: PAGE });
  });

  it('a write is copied into the part of a window it overlaps; past the end of file it drops it', () => {
    const a = new P9ReadAhead();
    a.keep(7, new Uint8Array(PAGE).fill(1), 0, PAGE, 0, 0, a.writes);
    a.wrote(7, new Uint8Array([9, 9]), 24);
    const buf = new Uint8Array(4);
    expect(a.hit(7, buf, 23, 0)).toBe(4);
    expect([...buf]).toEqual([1, 9, 9, 1]);
    a.wrote(8, new Uint8Array(10), 0); // another file's write leaves this window alone
    a.wrote(7, new Uint8Array(8).fill(5), PAGE - 2); // runs past the window: its part is copied
    expect(a.hit(7, buf, PAGE - 4, 0)).toBe(4);
    expect([...buf]).toEqual([1, 1, 5, 5]);
    a.wrote(7, new Uint8Array(8).fill(6), 3 * PAGE); // elsewhere in the file
    expect(a.hit(7, buf, 24, 0)).toBe(4);
    // a short fetch ends the file: a write past that end drops the window
    a.keep(9, new Uint8Array(100).fill(2), 0, PAGE, 0, 0, a.writes);
    expect(a.hit(9, buf, 96, 0)).toBe(4);
    a.wrote(9, new Uint8Array(4), 98);
    expect(a.hit(9, buf, 0, 0)).toBe(-1);
  });

  it('a fetch that a write or a forgotten inode overtook is not kept', () => {
    const a = new P9ReadAhead();
    const w = a.writes;
    a.wrote(8, new Uint8Array(1), 0);
    a.keep(7, new Uint8Array(PAGE), 0, PAGE, 0, 0, w);
    expect(a.hit(7, new Uint8Array(1), 0, 0)).toBe(-1);
    const v = a.writes;
    a.forget(3);
    a.keep(7, new Uint8Array(PAGE), 0, PAGE, 0, 0, v);
    expect(a.hit(7, new Uint8Array(1), 0, 0)).toBe(-1);
  });
});
