// The tinyalloc algorithm (Karsten Schmidt's thi-ng/tinyalloc, used by Unikraft's lib-tinyalloc):
// block descriptors on three lists — free (sorted by address), used, fresh (spare descriptors); first fit
// with splitting, a bump `top` for new blocks, and compaction merging adjacent free blocks on each free.
import { Errno } from '@runikraft/errno';
import { RkAllocViolation } from '@runikraft/rkalloc';
import type { RkAllocBackend } from '@runikraft/rkalloc/impl';

const NONE = -1;
const ALIGN = 16;
/** Excess that makes a block split on reuse (TA_SPLIT_THRESH). */
const SPLIT_THRESH = 16;
/** Subtracted from addresses used as map keys (the virt machine's RAM base). */
const KEY_BASE = 0x8000_0000;

interface Heap {
  free: number;
  top: number;
  limit: number;
}

/**
 * A tinyalloc heap per region. Differences from C: descriptors are JS arrays that grow on demand (C has
 * a fixed count), and the used list is a Map from address to descriptor (C scans a list in free()).
 */
export class TinyBackend implements RkAllocBackend {
  readonly name = 'tiny';
  readonly freeReclaims = true;
  private readonly heaps: Heap[] = [];
  private readonly addr: number[] = [];
  private readonly size: number[] = [];
  private readonly next: number[] = [];
  private fresh = NONE;
  /** Used blocks: address - 0x8000_0000 (a small integer, fast to hash) -> descriptor, and the owning heap. */
  private readonly used = new Map<number, number>();
  private readonly owner = new Map<number, Heap>();

  constructor(base: number, len: number) {
    if (this.addmem(base, len) !== 0)
      throw new RangeError(`tiny: [0x${base.toString(16)}, +${len}) is too small`);
  }

  addmem(base: number, len: number): number {
    const top = Math.ceil(base / ALIGN) * ALIGN;
    const limit = Math.floor((base + len) / ALIGN) * ALIGN;
    if (limit - top < ALIGN) return -Errno.ENOMEM;
    this.heaps.push({ free: NONE, top, limit });
    return 0;
  }

  private descriptor(): number {
    if (this.fresh !== NONE) {
      const d = this.fresh;
      this.fresh = this.next[d];
      return d;
    }
    this.addr.push(0);
    this.size.push(0);
    this.next.push(NONE);
    return this.addr.length - 1;
  }

  /** insert_block: into the heap's free list, sorted by address. */
  private insert(h: Heap, d: number): void {
    let ptr = h.free;
    let prev = NONE;
    while (ptr !== NONE && this.addr[d] > this.addr[ptr]) {
      prev = ptr;
      ptr = this.next[ptr];
    }
    if (prev !== NONE) this.next[prev] = d;
    else h.free = d;
    this.next[d] = ptr;
  }

  /** compact: merges runs of adjacent free blocks, returning the spare descriptors to `fresh`. */
  private compact(h: Heap): void {
    let ptr = h.free;
    while (ptr !== NONE) {
      let prev = ptr;
      let scan = this.next[ptr];
      while (scan !== NONE && this.addr[prev] + this.size[prev] === this.addr[scan]) {
        prev = scan;
        scan = this.next[scan];
      }
      if (prev !== ptr) {
        this.size[ptr] = this.addr[prev] + this.size[prev] - this.addr[ptr];
        let r = this.next[ptr];
        while (r !== scan) {
          const n = this.next[r];
          this.next[r] = this.fresh;
          this.fresh = r;
          r = n;
        }
        this.next[ptr] = scan;
      }
      ptr = this.next[ptr];
    }
  }

  /** alloc_block in one heap. */
  private allocIn(h: Heap, num: number): number {
    let ptr = h.free;
    let prev = NONE;
    while (ptr !== NONE) {
      const isTop = this.addr[ptr] + this.size[ptr] >= h.top && this.addr[ptr] + num <= h.limit;
      if (isTop || this.size[ptr] >= num) {
        if (prev !== NONE) this.next[prev] = this.next[ptr];
        else h.free = this.next[ptr];
        if (isTop) {
          this.size[ptr] = num;
          h.top = this.addr[ptr] + num;
        } else if (this.size[ptr] - num >= SPLIT_THRESH) {
          const split = this.descriptor();
          this.addr[split] = this.addr[ptr] + num;
          this.size[split] = this.size[ptr] - num;
          this.size[ptr] = num;
          this.insert(h, split);
          this.compact(h);
        }
        return ptr;
      }
      prev = ptr;
      ptr = this.next[ptr];
    }
    if (h.top + num > h.limit) return NONE;
    const d = this.descriptor();
    this.addr[d] = h.top;
    this.size[d] = num;
    h.top += num;
    return d;
  }

  malloc(size: number): number {
    const num = Math.ceil(size / ALIGN) * ALIGN;
    for (const h of this.heaps) {
      const d = this.allocIn(h, num);
      if (d === NONE) continue;
      const a = this.addr[d];
      this.used.set(a - KEY_BASE, d);
      this.owner.set(a - KEY_BASE, h);
      return a;
    }
    return 0;
  }

  /** The descriptor of live block `ptr`; throws RkAllocViolation (nothing changed) when it is not one. */
  private live(ptr: number, op: string): number {
    const d = this.used.get(ptr - KEY_BASE);
    if (d !== undefined) return d;
    if (this.inFreeBlock(ptr))
      throw new RkAllocViolation(this.name, 'double-free', ptr, `${op} of memory that is free`);
    throw new RkAllocViolation(
      this.name,
      'invalid-free',
      ptr,
      `${op} of an address that does not start a block of this heap`,
    );
  }

  /** Whether `ptr` lies in a block on a free list (a walk: only on the error path). */
  private inFreeBlock(ptr: number): boolean {
    for (const h of this.heaps)
      for (let d = h.free; d !== NONE; d = this.next[d])
        if (ptr >= this.addr[d] && ptr < this.addr[d] + this.size[d]) return true;
    return false;
  }

  free(ptr: number): number {
    const d = this.live(ptr, 'free');
    const h = this.owner.get(ptr - KEY_BASE)!;
    this.used.delete(ptr - KEY_BASE);
    this.owner.delete(ptr - KEY_BASE);
    const n = this.size[d];
    this.insert(h, d);
    this.compact(h);
    return n;
  }

  usableSize(ptr: number): number {
    return this.size[this.live(ptr, 'usableSize')];
  }

  availmem(): number {
    let n = 0;
    for (const h of this.heaps) {
      n += h.limit - h.top;
      for (let d = h.free; d !== NONE; d = this.next[d]) n += this.size[d];
    }
    return n;
  }

  maxalloc(): number {
    let m = 0;
    for (const h of this.heaps) {
      m = Math.max(m, h.limit - h.top);
      for (let d = h.free; d !== NONE; d = this.next[d]) {
        const s = this.addr[d] + this.size[d] >= h.top ? h.limit - this.addr[d] : this.size[d];
        m = Math.max(m, s);
      }
    }
    return m;
  }
}
