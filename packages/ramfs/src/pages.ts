// File data of ramfs in 4 KiB pages from an rkalloc allocator, so guest memory (-m) bounds ramfs and
// a full allocator is ENOSPC. Pages are allocated on write only; never-written ranges are holes.
import { Errno } from '@runikraft/errno';
import { RK_PAGE_SIZE, type RkAlloc } from '@runikraft/rkalloc';
import type { RamNode } from './node';

const PAGE = RK_PAGE_SIZE;

export class RamPages {
  private readonly u8: Uint8Array;
  private readonly base: number;
  /** Pages held by every file of this mount. */
  used = 0;

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
      if (pa) {
        const at = pa - this.base + inPage;
        buf.set(this.u8.subarray(at, at + len), pos - off);
      } else buf.fill(0, pos - off, pos - off + len);
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
   * Pages are allocated first, then physically adjacent ones are filled in one copy (see read).
   */
  write(n: RamNode, buf: Uint8Array, off: number): number {
    const end = off + buf.length;
    let pos = off;
    while (pos < end) {
      const idx = Math.floor(pos / PAGE);
      const inPage = pos - idx * PAGE;
      let pa = n.pages[idx];
      if (!pa) {
        pa = this.fresh(inPage > 0 || end - pos < PAGE);
        if (pa === 0) break;
        this.place(n, idx, pa);
      }
      // Extend the run over following pages that are adjacent, allocating holes while the allocator
      // hands out the next physical page; a page that is not adjacent starts the next run.
      let runEnd = (idx + 1) * PAGE;
      let next = pa + PAGE;
      while (runEnd < end) {
        const j = runEnd / PAGE;
        const q = n.pages[j];
        if (q) {
          if (q !== next) break;
        } else {
          const fresh = this.fresh(end - runEnd < PAGE);
          if (fresh === 0) break;
          this.place(n, j, fresh);
          if (fresh !== next) break;
        }
        runEnd += PAGE;
        next += PAGE;
      }
      runEnd = Math.min(runEnd, end);
      this.u8.set(buf.subarray(pos - off, runEnd - off), pa - this.base + inPage);
      pos = runEnd;
    }
    const done = pos - off;
    if (done === 0 && buf.length > 0) return -Errno.ENOSPC;
    if (pos > n.size) n.size = pos;
    return done;
  }

  private place(n: RamNode, idx: number, pa: number): void {
    n.pages[idx] = pa;
    n.npages++;
  }

  /** Sets the size; shrinking frees whole pages past it and zeroes the tail of the last one. */
  truncate(n: RamNode, size: number): void {
    if (size < n.size) {
      const keep = Math.ceil(size / PAGE);
      for (let i = keep; i < n.pages.length; i++) this.drop(n, i);
      n.pages.length = Math.min(n.pages.length, keep);
      const tail = size % PAGE;
      const last = n.pages[keep - 1];
      if (tail && last) this.u8.fill(0, last - this.base + tail, last - this.base + PAGE);
    }
    n.size = size;
  }

  /** Returns every page of a file to the allocator. */
  freeAll(n: RamNode): void {
    for (let i = 0; i < n.pages.length; i++) this.drop(n, i);
    n.pages = [];
  }

  private drop(n: RamNode, i: number): void {
    const pa = n.pages[i];
    if (!pa) return;
    this.alloc.pfree(pa, 1);
    n.pages[i] = 0;
    n.npages--;
    this.used--;
  }

  /** A page from the allocator, zeroed when a partial write will leave bytes of it unwritten. */
  private fresh(zero: boolean): number {
    const pa = this.alloc.palloc(1);
    if (pa === 0) return 0;
    this.used++;
    if (zero) this.u8.fill(0, pa - this.base, pa - this.base + PAGE);
    return pa;
  }
}
