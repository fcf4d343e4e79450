// File data of ramfs in 4 KiB pages from an rkalloc allocator, so guest memory (-m) bounds ramfs and
// a full allocator is ENOSPC. Pages are allocated on write only; never-written ranges are holes.
//
// A file that grows past CHUNK pages by appends gets its next pages CHUNK at a time, one
// allocation whose unwritten pages it holds ahead of its writes until it grows into them (a block
// goes back whole, so a file longer than CHUNK pages holds up to CHUNK - 1 pages more than its
// size until it is truncated or freed). One page at a time, tlsf's palloc(1) is a memalign whose header
// sits below the page: each 4 KiB page took 8 KiB of guest RAM (the aligned page and a free
// fragment holding the headers), two first-touch faults, and a memalign, trim and release in tlsf
// (SQLite's database grows by appends: ~850 of them per 60,000-row transaction, enough to make V8
// optimise tlsf's functions in every boot). Files of at most CHUNK pages (SQLite's journal) keep
// taking single pages, from the spares first.
//
// Single pages a file gives back are kept (up to SPARE) for the next page a write needs: SQLite's
// rollback journal is created, written and deleted by every transaction, and each of its pages
// otherwise cost an allocator round trip (tlsf: a memalign with a header and a release with merges).
// Guest RAM is a SharedArrayBuffer, where TypedArray.fill stores byte by byte (~5x slower than a
// word fill) and a copy whose ends differ mod 8 moves byte by byte too (SQLite's journal pages sit
// 4 bytes off): pages are zeroed through rkalloc's memzero and copied through copyToGuest/FromGuest.
//
// Bytes of a file's pages at or past its size are unspecified (reads stop at the size) and are
// zeroed only when the size grows over them without a write: a write starting past the end, or a
// truncation upwards (zeroGap). A page a file holds always starts below its size, so only the page
// holding the end can have such bytes. Linux zeroes a new page-cache page's unwritten parts at once;
// here a journal that is written from its start in pieces (header, then page records) would zero
// each page only to overwrite it.
import { Errno } from '@runikraft/errno';
import {
  copyFromGuest,
  copyToGuest,
  memzero,
  RK_PAGE_SIZE,
  type RkAlloc,
} from '@runikraft/rkalloc';
import type { RamNode } from './node';

const PAGE = RK_PAGE_SIZE;
/** Most pages one write allocates at once (64 KiB): a truncated file holds at most this much extra. */
const CHUNK = 16;
/** Most freed single pages a mount keeps for reuse (64 KiB), while any file holds pages. */
export const SPARE = 16;

export class RamPages {
  private readonly u8: Uint8Array;
  private readonly base: number;
  /** Pages held by every file of this mount. */
  used = 0;
  /** Pages of multi-page blocks (see fill): page → the block's first page. */
  private readonly owner = new Map<number, number>();
  /** Multi-page blocks by first page: their size and how many of their pages files still hold. */
  private readonly chunks = new Map<number, { pages: number; live: number }>();
  /** Single pages files gave back, kept for reuse (contents not zeroed). */
  private readonly spare: number[] = [];

  constructor(readonly alloc: RkAlloc) {
    this.u8 = alloc.phys.u8;
    this.base = alloc.phys.base;
  }

  /**
   * Copies file bytes [off, off+buf.length) ∩ [0, size) into buf. @returns the count.
   * Physically adjacent pages (the buddy allocator hands successive pages out in order) go in one
   * copy: guest RAM is a SharedArrayBuffer, so each copy is a relaxed memmove plus a subarray.
   */
  read(n: RamNode, buf: Uint8Array, off: number): number {
    const end = Math.min(n.size, off + buf.length);
    let pos = off;
    while (pos < end) {
      const idx = Math.floor(pos / PAGE);
      const inPage = pos - idx * PAGE;
      const pa = n.pages[idx];
      const runEnd = Math.min(end, this.runEnd(n, idx, pa));
      const len = runEnd - pos;
      if (pa)
        copyFromGuest(buf.subarray(pos - off, pos - off + len), this.u8, pa - this.base + inPage);
      else buf.fill(0, pos - off, pos - off + len);
      pos = runEnd;
    }
    return Math.max(0, end - off);
  }

  /**
   * File offset where the run starting at page idx ends: the following pages continue it while they
   * are physically adjacent to it (pa != 0) or are holes too (pa == 0).
   */
  private runEnd(n: RamNode, idx: number, pa: number | undefined): number {
    const pages = n.pages;
    let i = idx + 1;
    if (pa) {
      let next = pa + PAGE;
      while (i < pages.length && pages[i] === next) {
        i++;
        next += PAGE;
      }
    } else {
      while (i < pages.length && !pages[i]) i++;
      if (i >= pages.length) return Infinity;
    }
    return i * PAGE;
  }

  /**
   * Writes buf at off, allocating pages. @returns bytes written (short when space ran out), or -ENOSPC.
   * Holes get contiguous pages (see fill); each run of physically adjacent pages is one copy (see read).
   */
  write(n: RamNode, buf: Uint8Array, off: number): number {
    const end = off + buf.length;
    if (off > n.size) this.zeroGap(n, n.size, off);
    let pos = off;
    while (pos < end) {
      const idx = Math.floor(pos / PAGE);
      const inPage = pos - idx * PAGE;
      let pa = n.pages[idx];
      if (!pa) {
        pa = this.fill(n, idx, inPage, end);
        if (pa === 0) break;
      }
      // The run goes on over following pages while they are physically adjacent.
      let runEnd = (idx + 1) * PAGE;
      let next = pa + PAGE;
      while (runEnd < end && n.pages[runEnd / PAGE] === next) {
        runEnd += PAGE;
        next += PAGE;
      }
      runEnd = Math.min(runEnd, end);
      const part = pos === off && runEnd === end ? buf : buf.subarray(pos - off, runEnd - off);
      copyToGuest(this.u8, pa - this.base + inPage, part);
      pos = runEnd;
    }
    const done = pos - off;
    if (done === 0 && buf.length > 0) return -Errno.ENOSPC;
    if (pos > n.size) n.size = pos;
    return done;
  }

  /**
   * Fills the hole at page idx and the holes right after it that a write ending at `end` covers
   * (up to CHUNK) with one contiguous allocation, so they form one run whatever the allocator
   * (tlsf's palloc(1) is a memalign with a header: its single pages are never adjacent); falls back
   * to one page when no such block is free. `head`: where in the first page the write starts.
   * @returns the first page's address, or 0 when the allocator is out of pages.
   */
  private fill(n: RamNode, idx: number, head: number, end: number): number {
    let k = 1;
    while (k < CHUNK && (idx + k) * PAGE < end && !n.pages[idx + k]) k++;
    // one page: held ahead (its block and owner already known), else a single one
    let first = k > 1 ? this.alloc.palloc(k) : this.ahead(n, idx);
    if (first === 0) {
      k = 1;
      first = this.spare.length > 0 ? this.spare.pop()! : this.alloc.palloc(1);
      if (first === 0) return 0;
    } else if (k > 1) this.chunks.set(first, { pages: k, live: k });
    for (let i = 0; i < k; i++) {
      const pa = first + i * PAGE;
      if (k > 1) this.owner.set(pa, first);
      n.pages[idx + i] = pa;
    }
    n.npages += k;
    this.used += k;
    // What the write leaves unwritten in the new pages and the file holds after it reads as zeros:
    // the start of the first page (a hole, or the gap past the old end), and the end of the last
    // when the file already goes on past it (a hole). Past the new end nothing is zeroed.
    if (head > 0) memzero(this.alloc.phys, first, head);
    const last = (idx + k) * PAGE;
    if (end < last && end < n.size)
      memzero(this.alloc.phys, first + (end - idx * PAGE), last - end);
    return first;
  }

  /**
   * The page for an append of page `idx` to a file that holds more than CHUNK pages, from the pages
   * it holds ahead (each right after the last), else the first of a new CHUNK-page block whose other
   * pages it then holds ahead. @returns 0 for any other write (or when no such block is free): the
   * caller takes a single page.
   */
  private ahead(n: RamNode, idx: number): number {
    const last = n.pages[idx - 1];
    if (
      n.aheadLeft > 0 &&
      idx === n.pages.length &&
      last !== undefined &&
      n.ahead === last + PAGE
    ) {
      const pa = n.ahead;
      n.ahead += PAGE;
      n.aheadLeft--;
      return pa;
    }
    this.dropAhead(n);
    if (idx < CHUNK || idx !== n.pages.length || !last) return 0;
    const first = this.alloc.palloc(CHUNK);
    if (first === 0) return 0;
    this.chunks.set(first, { pages: CHUNK, live: CHUNK });
    for (let i = 0; i < CHUNK; i++) this.owner.set(first + i * PAGE, first);
    n.ahead = first + PAGE;
    n.aheadLeft = CHUNK - 1;
    return first;
  }

  /** Gives back the pages `n` holds ahead of its writes (the block goes once none is in use). */
  private dropAhead(n: RamNode): void {
    for (; n.aheadLeft > 0; n.aheadLeft--, n.ahead += PAGE) this.unown(n.ahead);
    n.ahead = 0;
  }

  /** A page of a multi-page block is no longer in use; the block goes back once none is. */
  private unown(pa: number): void {
    const head = this.owner.get(pa)!;
    this.owner.delete(pa);
    const c = this.chunks.get(head)!;
    if (--c.live === 0) {
      this.chunks.delete(head);
      this.alloc.pfree(head, c.pages);
    }
  }

  /**
   * Zeroes file bytes [from, to) of the page holding `from` (the file's end before it grows to
   * `to`): the only page with bytes at or past the end (see the header). Holes read as zeros.
   */
  private zeroGap(n: RamNode, from: number, to: number): void {
    const idx = Math.floor(from / PAGE);
    const pa = n.pages[idx];
    if (!pa) return;
    const upto = Math.min(to, (idx + 1) * PAGE);
    if (upto > from) memzero(this.alloc.phys, pa + (from - idx * PAGE), upto - from);
  }

  /** Sets the size; shrinking frees whole pages past it, growing zeroes what the last page held past the end. */
  truncate(n: RamNode, size: number): void {
    this.dropAhead(n);
    if (size < n.size) {
      const keep = Math.ceil(size / PAGE);
      for (let i = keep; i < n.pages.length; i++) this.drop(n, i);
      n.pages.length = Math.min(n.pages.length, keep);
      if (this.used === 0) this.flush();
    } else if (size > n.size) this.zeroGap(n, n.size, size);
    n.size = size;
  }

  /** Returns every page of a file to the allocator (or to the spare pages). */
  freeAll(n: RamNode): void {
    this.dropAhead(n);
    for (let i = 0; i < n.pages.length; i++) this.drop(n, i);
    n.pages = [];
    if (this.used === 0) this.flush();
  }

  /** Spare pages: free for this mount's files, held from the allocator. */
  get spares(): number {
    return this.spare.length;
  }

  /** Gives the spare pages back to the allocator (no file holds pages any more; unmount). */
  flush(): void {
    for (const pa of this.spare) this.alloc.pfree(pa, 1);
    this.spare.length = 0;
  }

  private drop(n: RamNode, i: number): void {
    const pa = n.pages[i];
    if (!pa) return;
    const head = this.owner.get(pa);
    if (head === undefined) {
      if (this.spare.length < SPARE) this.spare.push(pa);
      else this.alloc.pfree(pa, 1);
    } else this.unown(pa); // a page of a multi-page block
    n.pages[i] = 0;
    n.npages--;
    this.used--;
  }
}
