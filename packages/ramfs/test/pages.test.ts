// RamPages copies runs of physically adjacent pages at once: seeded reads, writes and truncations on
// files whose pages are adjacent, scattered (two files written in turn, stray allocations, freed
// gaps) or holes, against a plain byte model, on buddy and on tlsf (whose single pages are never
// adjacent: holes get multi-page blocks); a write that runs out of pages mid-run.
import { Errno } from '@runikraft/errno';
import { RK_PAGE_SIZE } from '@runikraft/rkalloc';
import { describe, expect, it } from 'vitest';
import { RamNode } from '../src/node';
import { RamPages, SPARE } from '../src/pages';
import { testAlloc } from './helpers';

const PAGE = RK_PAGE_SIZE;
const now = { sec: 0, nsec: 0 };

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

class Model {
  bytes = new Uint8Array(0);
  size = 0;
  write(buf: Uint8Array, off: number): void {
    const end = off + buf.length;
    if (end > this.bytes.length) {
      const b = new Uint8Array(Math.max(end, this.bytes.length * 2));
      b.set(this.bytes);
      this.bytes = b;
    }
    this.bytes.set(buf, off);
    this.size = Math.max(this.size, end);
  }
  truncate(size: number): void {
    if (size < this.size) this.bytes.fill(0, size, this.size);
    else if (size > this.bytes.length) {
      const b = new Uint8Array(size);
      b.set(this.bytes.subarray(0, this.size));
      this.bytes = b;
    }
    this.size = size;
  }
}

/** Whether a page below the last one is a hole (sparse array slots included). */
function hasHole(n: RamNode): boolean {
  for (let i = 0; i < n.pages.length; i++) if (!n.pages[i]) return true;
  return false;
}

/** Index of the first byte where a and b differ, or -1 (toEqual on big arrays is slow). */
function mismatch(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Counts runs of physically adjacent pages (holes excluded) in a file. */
function adjacency(n: RamNode): { adjacent: number; broken: number } {
  let adjacent = 0;
  let broken = 0;
  for (let i = 1; i < n.pages.length; i++) {
    const a = n.pages[i - 1];
    const b = n.pages[i];
    if (!a || !b) continue;
    if (b === a + PAGE) adjacent++;
    else broken++;
  }
  return { adjacent, broken };
}

describe('RamPages runs', () => {
  it.each(['buddy', 'tlsf'] as const)(
    '%s: seeded multi-page I/O over adjacent, scattered and hole pages matches the model',
    (kind) => {
      const alloc = testAlloc(16 << 20, kind);
      const avail = alloc.pavailmem();
      const pages = new RamPages(alloc);
      const files = [new RamNode(1, 0o100000, 0o644, now), new RamNode(2, 0o100000, 0o644, now)];
      const models = [new Model(), new Model()];
      const stray: number[] = [];
      const r = rng(0x5eed);
      const maxOff = 48 * PAGE;
      let sawAdjacent = 0;
      let sawBroken = 0;
      let sawHole = 0;
      for (let step = 0; step < 1500; step++) {
        const f = r(2);
        const n = files[f];
        const m = models[f];
        const op = r(10);
        if (op < 4) {
          // Unaligned lengths up to ~6 pages; offsets sometimes far past EOF (holes in between).
          const len = r(6 * PAGE + 3) + 1;
          const off = r(maxOff);
          const buf = new Uint8Array(len);
          for (let i = 0; i < len; i++) buf[i] = r(256);
          expect(pages.write(n, buf, off)).toBe(len);
          m.write(buf, off);
        } else if (op < 8) {
          const len = r(8 * PAGE) + 1;
          const off = r(maxOff + PAGE);
          const buf = new Uint8Array(len).fill(0xee);
          const want = Math.max(0, Math.min(m.size, off + len) - off);
          // What the read spans: adjacent pages (one copy), breaks between them, holes.
          const adj = adjacency(n);
          if (adj.adjacent > 0) sawAdjacent++;
          if (adj.broken > 0) sawBroken++;
          if (hasHole(n)) sawHole++;
          expect(pages.read(n, buf, off)).toBe(want);
          expect(mismatch(buf.subarray(0, want), m.bytes.subarray(off, off + want))).toBe(-1);
          expect(buf.subarray(want).every((b) => b === 0xee)).toBe(true);
        } else if (op === 8) {
          const size = r(maxOff);
          pages.truncate(n, size);
          m.truncate(size);
        } else if (r(2) === 0) {
          stray.push(alloc.palloc(1)); // the next page a file gets is not adjacent to its last
        } else if (stray.length > 0) {
          alloc.pfree(stray.splice(r(stray.length), 1)[0], 1); // a gap the allocator fills later
        }
        expect(n.size).toBe(m.size);
      }
      for (let f = 0; f < 2; f++) {
        const buf = new Uint8Array(models[f].size + PAGE);
        expect(pages.read(files[f], buf, 0)).toBe(models[f].size);
        expect(
          mismatch(buf.subarray(0, models[f].size), models[f].bytes.subarray(0, models[f].size)),
        ).toBe(-1);
      }
      // Reads met adjacent pages, breaks between pages and holes, so every path was taken.
      expect(sawAdjacent).toBeGreaterThan(100);
      expect(sawBroken).toBeGreaterThan(100);
      expect(sawHole).toBeGreaterThan(100);
      for (const p of stray) alloc.pfree(p, 1);
      for (const n of files) pages.freeAll(n);
      expect(pages.used).toBe(0);
      expect(alloc.pavailmem()).toBe(avail); // every multi-page block went back whole
    },
  );

  it.each(['buddy', 'tlsf'] as const)(
    '%s: a long write gets adjacent pages and reads back whole; holes read as zeros between runs',
    (kind) => {
      const pages = new RamPages(testAlloc(8 << 20, kind));
      const n = new RamNode(1, 0o100000, 0o644, now);
      const a = new Uint8Array(5 * PAGE + 100).map((_, i) => (i * 7) & 0xff);
      expect(pages.write(n, a, 10)).toBe(a.length);
      expect(adjacency(n)).toEqual({ adjacent: 5, broken: 0 });
      const b = new Uint8Array(PAGE).fill(9);
      expect(pages.write(n, b, 20 * PAGE)).toBe(PAGE);
      const out = new Uint8Array(21 * PAGE).fill(1);
      expect(pages.read(n, out, 0)).toBe(21 * PAGE);
      const want = new Uint8Array(21 * PAGE);
      want.set(a, 10);
      want.set(b, 20 * PAGE);
      expect(mismatch(out, want)).toBe(-1);
    },
  );

  it('running out of pages mid-run writes what it placed; nothing placed is -ENOSPC', () => {
    const alloc = testAlloc(1 << 20);
    const pages = new RamPages(alloc);
    const hog: number[] = [];
    for (;;) {
      const p = alloc.palloc(1);
      if (p === 0) break;
      hog.push(p);
    }
    for (const p of hog.splice(0, 3)) alloc.pfree(p, 1);
    const n = new RamNode(1, 0o100000, 0o644, now);
    const buf = new Uint8Array(5 * PAGE).map((_, i) => i & 0xff);
    expect(pages.write(n, buf, 0)).toBe(3 * PAGE);
    expect(n.size).toBe(3 * PAGE);
    const out = new Uint8Array(3 * PAGE);
    expect(pages.read(n, out, 0)).toBe(3 * PAGE);
    expect(mismatch(out, buf.subarray(0, 3 * PAGE))).toBe(-1);
    expect(pages.write(n, buf, 3 * PAGE)).toBe(-Errno.ENOSPC);
    expect(n.size).toBe(3 * PAGE);
  });
});

describe('RamPages spare pages', () => {
  /** A file written page by page (one single-page allocation each), every byte `fill`. */
  const writePages = (pages: RamPages, n: RamNode, count: number, fill: number) => {
    for (let i = 0; i < count; i++)
      expect(pages.write(n, new Uint8Array(PAGE).fill(fill), i * PAGE)).toBe(PAGE);
  };
  const file = (ino: number) => new RamNode(ino, 0o100000, 0o644, now);

  it.each(['buddy', 'tlsf'] as const)(
    '%s: a deleted file gives its pages to the next writes without the allocator, zeroed where partly written',
    (kind) => {
      const alloc = testAlloc(8 << 20, kind);
      const avail = alloc.pavailmem();
      const pages = new RamPages(alloc);
      const db = file(1);
      writePages(pages, db, 1, 0x11); // another file keeps holding pages
      const journal = file(2);
      writePages(pages, journal, 3, 0xaa);
      const held = [...journal.pages];
      pages.freeAll(journal);
      expect(pages.spares).toBe(3);
      expect(pages.used).toBe(1);
      const allocs = alloc.stats().totNbAllocs;
      // the next journal: a header at offset 100 of its first page, then two whole pages
      const next = file(3);
      expect(pages.write(next, new Uint8Array(28).fill(0x55), 100)).toBe(28);
      for (const at of [PAGE, 2 * PAGE])
        expect(pages.write(next, new Uint8Array(PAGE).fill(0x66), at)).toBe(PAGE);
      expect(alloc.stats().totNbAllocs).toBe(allocs);
      expect(pages.spares).toBe(0);
      expect([...next.pages].sort()).toEqual([...held].sort());
      // the reused page held 0xaa: what the write did not cover reads as zeros
      const head = new Uint8Array(PAGE);
      expect(pages.read(next, head, 0)).toBe(PAGE);
      expect(head.subarray(0, 100).every((b) => b === 0)).toBe(true);
      expect(head.subarray(100, 128).every((b) => b === 0x55)).toBe(true);
      expect(head.subarray(128).every((b) => b === 0)).toBe(true);
      // a truncation inside a reused page zeroes its tail, which a later extension shows
      pages.truncate(next, PAGE + 10);
      pages.truncate(next, 2 * PAGE);
      const tail = new Uint8Array(PAGE);
      expect(pages.read(next, tail, PAGE)).toBe(PAGE);
      expect(tail.subarray(0, 10).every((b) => b === 0x66)).toBe(true);
      expect(tail.subarray(10).every((b) => b === 0)).toBe(true);
      // once no file holds pages, the spares go back: the allocator has every page again
      pages.freeAll(next);
      expect(pages.spares).toBeGreaterThan(0);
      pages.freeAll(db);
      expect(pages.spares).toBe(0);
      expect(pages.used).toBe(0);
      expect(alloc.pavailmem()).toBe(avail);
    },
  );

  it('zeroes the bytes past the end only when the size grows over them (write past the end, truncate up)', () => {
    const alloc = testAlloc(8 << 20, 'tlsf');
    const pages = new RamPages(alloc);
    const keep = file(1);
    writePages(pages, keep, 1, 1);
    const dirty = file(2);
    writePages(pages, dirty, 2, 0xaa);
    pages.freeAll(dirty); // two dirty spare pages
    const f = file(3);
    const zeros = (from: number, to: number) => {
      const b = new Uint8Array(to - from).fill(0xee);
      expect(pages.read(f, b, from)).toBe(to - from);
      return b.every((x) => x === 0);
    };
    // a write from the start of a dirty page: what follows it is past the end, not read
    expect(pages.write(f, new Uint8Array(10).fill(5), 0)).toBe(10);
    expect(pages.read(f, new Uint8Array(100), 0)).toBe(10);
    // a write further into the same page: the gap reads as zeros
    expect(pages.write(f, new Uint8Array([6]), 3000)).toBe(1);
    expect(zeros(10, 3000)).toBe(true);
    // a truncation upwards: the rest of the page and the hole after it read as zeros
    pages.truncate(f, 2 * PAGE + 5);
    expect(zeros(3001, 2 * PAGE + 5)).toBe(true);
    // a shrink and a write past the new end in the next page (a dirty one): zeros between
    pages.truncate(f, 20);
    expect(pages.write(f, new Uint8Array([7]), PAGE + 100)).toBe(1);
    expect(zeros(20, PAGE + 100)).toBe(true);
    // a write that ends inside a new page in the middle of the file: its tail (a hole) reads as zeros
    pages.truncate(f, 3 * PAGE);
    pages.truncate(f, PAGE + 101);
    pages.truncate(f, 3 * PAGE);
    const dirty2 = file(4);
    writePages(pages, dirty2, 1, 0xbb);
    pages.freeAll(dirty2); // the page the next write gets
    expect(pages.write(f, new Uint8Array(8).fill(9), 2 * PAGE)).toBe(8);
    expect(zeros(2 * PAGE + 8, 3 * PAGE)).toBe(true);
    pages.freeAll(f);
    pages.freeAll(keep);
  });

  it('keeps at most SPARE pages; the rest go back to the allocator at once', () => {
    const alloc = testAlloc(8 << 20, 'tlsf');
    const pages = new RamPages(alloc);
    const keep = file(1);
    writePages(pages, keep, 1, 1);
    const big = file(2);
    writePages(pages, big, SPARE + 5, 2);
    const before = alloc.pavailmem();
    pages.freeAll(big);
    expect(pages.spares).toBe(SPARE);
    expect(alloc.pavailmem()).toBeGreaterThan(before);
    const frees = alloc.stats().totNbFrees;
    pages.flush();
    expect(pages.spares).toBe(0);
    expect(alloc.stats().totNbFrees).toBe(frees + SPARE);
    pages.freeAll(keep);
  });
});

describe('RamPages pages held ahead of appends', () => {
  const file = (ino: number) => new RamNode(ino, 0o100000, 0o644, now);
  /** Appends `count` pages to `n` one page-sized write at a time, byte i of page p = p + i. */
  const append = (pages: RamPages, n: RamNode, m: Model, count: number) => {
    for (let p = 0; p < count; p++) {
      const at = m.size;
      const buf = new Uint8Array(PAGE).map((_, i) => (at / PAGE + i) & 0xff);
      expect(pages.write(n, buf, at)).toBe(PAGE);
      m.write(buf, at);
    }
  };
  const readsBack = (pages: RamPages, n: RamNode, m: Model) => {
    const out = new Uint8Array(m.size + PAGE).fill(0xee);
    expect(pages.read(n, out, 0)).toBe(m.size);
    expect(mismatch(out.subarray(0, m.size), m.bytes.subarray(0, m.size))).toBe(-1);
  };

  it.each(['buddy', 'tlsf'] as const)(
    '%s: a file grown page by page past 16 pages takes its pages 16 at a time, adjacent; truncate and free give every block back',
    (kind) => {
      const alloc = testAlloc(8 << 20, kind);
      const avail = alloc.pavailmem();
      const widest = alloc.pmaxalloc();
      const pages = new RamPages(alloc);
      const [a, b] = [file(1), file(2)];
      const [ma, mb] = [new Model(), new Model()];
      append(pages, a, ma, 16);
      const allocs = alloc.stats().totNbAllocs;
      // two files growing in turn (SQLite's database and another): each gets whole blocks
      for (let i = 0; i < 6; i++) {
        append(pages, a, ma, 8);
        append(pages, b, mb, 5);
      }
      // a: pages 16..63, 3 blocks; b: 30 pages, 16 single ones then 1 block (14 of it used)
      expect(alloc.stats().totNbAllocs - allocs).toBe(16 + 3 + 1);
      expect(adjacency(a).broken).toBeLessThanOrEqual(15 + 3);
      expect(a.npages).toBe(64);
      expect(pages.used).toBe(64 + 30);
      if (kind === 'tlsf')
        // single pages from tlsf take 8 KiB of address space each (the header below the page)
        expect(widest - alloc.pmaxalloc()).toBeLessThan(2 * 16 + 3 * 17 + 2 * 16 + 17 + 4);
      readsBack(pages, a, ma);
      readsBack(pages, b, mb);
      // truncating drops what b held ahead; growing it again reads zeros, then appends go on
      pages.truncate(b, 20 * PAGE + 100);
      mb.truncate(20 * PAGE + 100);
      pages.truncate(b, 40 * PAGE);
      mb.truncate(40 * PAGE);
      append(pages, b, mb, 20);
      readsBack(pages, b, mb);
      pages.freeAll(a);
      pages.freeAll(b);
      expect(pages.used).toBe(0);
      expect(alloc.pavailmem()).toBe(avail);
      expect(alloc.pmaxalloc()).toBe(widest); // every block went back whole
    },
  );
});
