// The buddy allocator backend: pages from the buddy free lists, small objects (<= 2 KiB) from 16 KiB
// slabs. Free lists and slab headers (with a live-object bitmap that makes a double free detectable in
// O(1)) live in guest RAM (measured faster); the page-kind table is JS.
import { Errno } from '@runikraft/errno';
import { RkAllocViolation } from '@runikraft/rkalloc';
import type { RkAllocBackend } from '@runikraft/rkalloc/impl';
import type { RkPhysMem } from '@runikraft/rkplat';
import { BuddyPagesRam, FREE_HEAD } from './buddy-ram';
import { PageKinds } from './kinds';
import { BUDDY_MAX_ORDER, type BuddyPageLists, orderFor } from './order';
import { CLASS_OF, CLASS_SIZES, SMALL_MAX } from './slab';

const PAGE_SHIFT = 12;
const PAGE = 4096;
const SLAB_ORDER = 2;
const SLAB_BYTES = PAGE << SLAB_ORDER;
// Six header words, then the live-object bitmap: one bit per object slot (at most 1014 of 16 bytes).
const SLAB_BITMAP = 8;
const SLAB_BITMAP_WORDS = 32;
const SLAB_HDR = (SLAB_BITMAP + SLAB_BITMAP_WORDS) * 4;
const NIL = 0xffff_ffff;
/** kind[] values: 0 = not an allocation head, 1 + order = page block head, SLAB + class = slab page. */
const SLAB = 64;
// Slab header words (u32 index from the slab start): free list head, live objects, partial-list links,
// bump, flags; the live-object bitmap follows at word SLAB_BITMAP.
const H_FREE = 0;
const H_LIVE = 1;
const H_NEXT = 2;
const H_PREV = 3;
const H_BUMP = 4;
const H_PARTIAL = 5;

/** Binary buddy allocator with a slab small-object path. */
export class BuddyBackend implements RkAllocBackend {
  readonly name = 'buddy';
  readonly freeReclaims = true;
  private readonly m: Uint32Array;
  private readonly pbase: number;
  private readonly kind: PageKinds;
  private readonly pages: BuddyPageLists;
  private readonly partial = new Uint32Array(CLASS_SIZES.length).fill(NIL);
  private readonly cached = new Uint32Array(CLASS_SIZES.length).fill(NIL);
  private cachedCount = 0;

  /**
   * Manages [base, base+len) of `phys`. `opts.pages` replaces the page free lists (default: links in
   * guest RAM, BuddyPagesRam); tools/bench uses it to measure a JS-Set variant against the default.
   */
  constructor(phys: RkPhysMem, base: number, len: number, opts: { pages?: BuddyPageLists } = {}) {
    this.m = new Uint32Array(phys.buffer, phys.u8.byteOffset, phys.size >>> 2);
    this.pbase = phys.base;
    this.kind = new PageKinds(Math.ceil(phys.size / PAGE));
    this.pages = opts.pages ?? new BuddyPagesRam(this.m, this.kind);
    if (this.addmem(base, len) !== 0)
      throw new RangeError(`buddy: [0x${base.toString(16)}, +${len}) holds no page`);
  }

  addmem(base: number, len: number): number {
    const start = Math.ceil((base - this.pbase) / PAGE);
    const end = Math.floor((base + len - this.pbase) / PAGE);
    if (end <= start) return -Errno.ENOMEM;
    this.pages.addRange(start, end);
    return 0;
  }

  /** Pages of 2^order, releasing cached empty slabs when memory runs short. Returns a byte offset or -1. */
  private allocPages(order: number): number {
    let p = this.pages.alloc(order);
    if (p < 0 && this.cachedCount > 0) {
      this.dropCache();
      p = this.pages.alloc(order);
    }
    if (p < 0) return -1;
    this.kind.set(p, 1 + order);
    return p << PAGE_SHIFT;
  }

  private dropCache(): void {
    for (let c = 0; c < this.cached.length; c++) {
      if (this.cached[c] === NIL) continue;
      this.freeSlabPages(this.cached[c]);
      this.cached[c] = NIL;
    }
    this.cachedCount = 0;
  }

  private freeSlabPages(s: number): void {
    const p = s >>> PAGE_SHIFT;
    for (let i = 0; i < 1 << SLAB_ORDER; i++) this.kind.set(p + i, 0);
    this.pages.release(p, SLAB_ORDER);
  }

  private newSlab(cls: number): number {
    let s = this.cached[cls];
    if (s !== NIL) {
      this.cached[cls] = NIL;
      this.cachedCount--;
    } else {
      s = this.allocPages(SLAB_ORDER);
      if (s < 0) return NIL;
      const p = s >>> PAGE_SHIFT;
      for (let i = 0; i < 1 << SLAB_ORDER; i++) this.kind.set(p + i, SLAB + cls);
    }
    const h = s >>> 2;
    this.m[h + H_FREE] = NIL;
    this.m[h + H_LIVE] = 0;
    this.m[h + H_BUMP] = s + SLAB_HDR;
    this.m.fill(0, h + SLAB_BITMAP, h + SLAB_BITMAP + SLAB_BITMAP_WORDS);
    this.linkPartial(cls, s);
    return s;
  }

  private linkPartial(cls: number, s: number): void {
    const h = s >>> 2;
    const head = this.partial[cls];
    this.m[h + H_NEXT] = head;
    this.m[h + H_PREV] = NIL;
    this.m[h + H_PARTIAL] = 1;
    if (head !== NIL) this.m[(head >>> 2) + H_PREV] = s;
    this.partial[cls] = s;
  }

  private unlinkPartial(cls: number, s: number): void {
    const h = s >>> 2;
    const next = this.m[h + H_NEXT];
    const prev = this.m[h + H_PREV];
    if (next !== NIL) this.m[(next >>> 2) + H_PREV] = prev;
    if (prev !== NIL) this.m[(prev >>> 2) + H_NEXT] = next;
    else this.partial[cls] = next;
    this.m[h + H_PARTIAL] = 0;
  }

  private mallocSmall(cls: number): number {
    let s = this.partial[cls];
    if (s === NIL && (s = this.newSlab(cls)) === NIL) return 0;
    const h = s >>> 2;
    const size = CLASS_SIZES[cls];
    let obj = this.m[h + H_FREE];
    if (obj !== NIL) this.m[h + H_FREE] = this.m[obj >>> 2];
    else {
      obj = this.m[h + H_BUMP];
      this.m[h + H_BUMP] = obj + size;
    }
    this.m[h + H_LIVE]++;
    const i = (obj - s - SLAB_HDR) / size;
    this.m[h + SLAB_BITMAP + (i >>> 5)] |= 1 << (i & 31);
    if (this.m[h + H_FREE] === NIL && this.m[h + H_BUMP] + size > s + SLAB_BYTES)
      this.unlinkPartial(cls, s);
    return this.pbase + obj;
  }

  /**
   * Checks that `off` is a live object of a slab of class `cls` (slot start, below the bump pointer,
   * live bit set) and returns its bitmap word index and bit; throws RkAllocViolation otherwise.
   */
  private slabSlot(off: number, cls: number, op: string): [number, number] {
    const s = off - (off % SLAB_BYTES);
    const h = s >>> 2;
    const rel = off - s - SLAB_HDR;
    const size = CLASS_SIZES[cls];
    if (rel < 0 || rel % size !== 0 || off >= this.m[h + H_BUMP])
      throw new RkAllocViolation(
        this.name,
        'invalid-free',
        this.pbase + off,
        `${op} of an address inside a ${size}-byte slab object or past the slab's used part`,
      );
    const i = rel / size;
    const word = h + SLAB_BITMAP + (i >>> 5);
    if ((this.m[word] & (1 << (i & 31))) === 0)
      throw new RkAllocViolation(
        this.name,
        'double-free',
        this.pbase + off,
        `${op} of a ${size}-byte slab object that is free`,
      );
    return [word, 1 << (i & 31)];
  }

  private freeSmall(off: number, cls: number): void {
    const s = off - (off % SLAB_BYTES);
    const h = s >>> 2;
    const [word, bit] = this.slabSlot(off, cls, 'free');
    this.m[word] &= ~bit;
    this.m[off >>> 2] = this.m[h + H_FREE];
    this.m[h + H_FREE] = off;
    if (--this.m[h + H_LIVE] === 0) {
      if (this.m[h + H_PARTIAL] === 1) this.unlinkPartial(cls, s);
      if (this.cached[cls] === NIL) {
        this.cached[cls] = s;
        this.cachedCount++;
      } else this.freeSlabPages(s);
    } else if (this.m[h + H_PARTIAL] === 0) this.linkPartial(cls, s);
  }

  malloc(size: number): number {
    if (size <= SMALL_MAX) return this.mallocSmall(CLASS_OF[(size + 15) >>> 4]);
    const off = this.allocPages(orderFor(Math.ceil(size / PAGE)));
    return off < 0 ? 0 : this.pbase + off;
  }

  memalign(align: number, size: number): number {
    const order = Math.max(orderFor(Math.ceil(size / PAGE)), orderFor(Math.ceil(align / PAGE)));
    const off = this.allocPages(order);
    return off < 0 ? 0 : this.pbase + off;
  }

  /** The page kind of `ptr` when it can be a live block (slab page, or the head of a page block); throws otherwise. */
  private kindOf(ptr: number, op: string): number {
    const off = ptr - this.pbase;
    const k = this.kind.get(off >>> PAGE_SHIFT);
    if (k >= SLAB ? k < FREE_HEAD : k > 0 && off % PAGE === 0) return k;
    if (off % PAGE === 0 && this.inFreeBlock(off >>> PAGE_SHIFT))
      throw new RkAllocViolation(this.name, 'double-free', ptr, `${op} of pages that are free`);
    throw new RkAllocViolation(
      this.name,
      'invalid-free',
      ptr,
      `${op} of an address that is not an allocated block`,
    );
  }

  /** Whether page `p` lies in a free buddy block (blocks are naturally aligned; error path only). */
  private inFreeBlock(p: number): boolean {
    for (let k = 0; k <= BUDDY_MAX_ORDER; k++) {
      const head = p - (p % 2 ** k);
      const kind = this.kind.get(head);
      if (kind >= FREE_HEAD && kind - FREE_HEAD >= k) return true;
    }
    return false;
  }

  free(ptr: number): number {
    const k = this.kindOf(ptr, 'free');
    const off = ptr - this.pbase;
    if (k >= SLAB) {
      this.freeSmall(off, k - SLAB);
      return CLASS_SIZES[k - SLAB];
    }
    const p = off >>> PAGE_SHIFT;
    this.kind.set(p, 0);
    this.pages.release(p, k - 1);
    return PAGE << (k - 1);
  }

  usableSize(ptr: number): number {
    const k = this.kindOf(ptr, 'usableSize');
    if (k < SLAB) return PAGE << (k - 1);
    this.slabSlot(ptr - this.pbase, k - SLAB, 'usableSize');
    return CLASS_SIZES[k - SLAB];
  }

  realloc(ptr: number, size: number): number {
    const old = this.usableSize(ptr);
    const fits =
      size <= SMALL_MAX
        ? old === CLASS_SIZES[CLASS_OF[(size + 15) >>> 4]]
        : old === PAGE << orderFor(Math.ceil(size / PAGE));
    if (fits) return ptr;
    const n = this.malloc(size);
    if (n === 0) return 0;
    const u8 = new Uint8Array(this.m.buffer, this.m.byteOffset);
    u8.copyWithin(n - this.pbase, ptr - this.pbase, ptr - this.pbase + Math.min(old, size));
    this.free(ptr);
    return n;
  }

  palloc(npages: number): number {
    const off = this.allocPages(orderFor(npages));
    return off < 0 ? 0 : this.pbase + off;
  }

  pfree(ptr: number): void {
    this.free(ptr);
  }

  availmem(): number {
    return this.pages.freePages * PAGE + this.cachedCount * SLAB_BYTES;
  }

  maxalloc(): number {
    const k = this.pages.maxOrder();
    return k < 0 ? 0 : PAGE << k;
  }
}
