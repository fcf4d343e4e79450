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

  /** Copies file bytes [off, off+buf.length) ∩ [0, size) into buf. @returns the count. */
  read(n: RamNode, buf: Uint8Array, off: number): number {
    const end = Math.min(n.size, off + buf.length);
    let pos = off;
    while (pos < end) {
      const idx = Math.floor(pos / PAGE);
      const inPage = pos - idx * PAGE;
      const len = Math.min(PAGE - inPage, end - pos);
      const pa = n.pages[idx];
      if (pa) {
        const at = pa - this.base + inPage;
        buf.set(this.u8.subarray(at, at + len), pos - off);
      } else buf.fill(0, pos - off, pos - off + len);
      pos += len;
    }
    return Math.max(0, end - off);
  }

  /** Writes buf at off, allocating pages. @returns bytes written (short when space ran out), or -ENOSPC. */
  write(n: RamNode, buf: Uint8Array, off: number): number {
    const end = off + buf.length;
    let pos = off;
    while (pos < end) {
      const idx = Math.floor(pos / PAGE);
      const inPage = pos - idx * PAGE;
      const len = Math.min(PAGE - inPage, end - pos);
      let pa = n.pages[idx];
      if (!pa) {
        pa = this.fresh(len < PAGE);
        if (pa === 0) break;
        n.pages[idx] = pa;
        n.npages++;
      }
      this.u8.set(buf.subarray(pos - off, pos - off + len), pa - this.base + inPage);
      pos += len;
    }
    const done = pos - off;
    if (done === 0 && buf.length > 0) return -Errno.ENOSPC;
    if (pos > n.size) n.size = pos;
    return done;
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
