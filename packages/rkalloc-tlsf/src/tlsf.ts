// Two-Level Segregated Fit over guest RAM: O(1) malloc and free via two bitmaps and segregated lists.
// Block headers live in guest RAM (16 bytes: prevPhys, size|FREE, nextFree, prevFree), as in the TLSF paper.
import { Errno } from '@runikraft/errno';
import { RkAllocViolation } from '@runikraft/rkalloc';
import type { RkAllocBackend } from '@runikraft/rkalloc/impl';
import type { RkPhysMem } from '@runikraft/rkplat';
import { FL_COUNT, ffs, fls, listOf, listStart, SL_COUNT, SL_LOG2, searchListOf } from './mapping';

const NIL = 0xffff_ffff;
const HDR = 16;
const MIN_BLOCK = 32;
const FREE = 1;
const MAX_POOL = 0x7fff_fff0;

/** A TLSF heap; pools are added with addmem. Offsets are bytes from phys.base. */
export class TlsfBackend implements RkAllocBackend {
  readonly name = 'tlsf';
  readonly freeReclaims = true;
  private readonly m: Uint32Array;
  private readonly pbase: number;
  private flBitmap = 0;
  private readonly slBitmap = new Int32Array(FL_COUNT);
  private readonly heads = new Uint32Array(FL_COUNT * SL_COUNT).fill(NIL);
  private freeBytes = 0;
  /** Pools as [first block, sentinel] offset pairs, for the O(1) pointer checks of free/realloc. */
  private readonly pools: number[] = [];

  constructor(phys: RkPhysMem, base: number, len: number) {
    this.m = new Uint32Array(phys.buffer, phys.u8.byteOffset, phys.size >>> 2);
    this.pbase = phys.base;
    if (this.addmem(base, len) !== 0)
      throw new RangeError(`tlsf: [0x${base.toString(16)}, +${len}) is too small`);
  }

  private size(b: number): number {
    return this.m[(b >>> 2) + 1] & ~15;
  }
  private isFree(b: number): boolean {
    return (this.m[(b >>> 2) + 1] & FREE) !== 0;
  }
  private setHeader(b: number, size: number, free: boolean, prevPhys: number): void {
    const i = b >>> 2;
    this.m[i] = prevPhys;
    this.m[i + 1] = size | (free ? FREE : 0);
  }

  private insert(b: number): void {
    const size = this.size(b);
    const li = listOf(size);
    const head = this.heads[li];
    const i = b >>> 2;
    this.m[i + 1] = size | FREE;
    this.m[i + 2] = head;
    this.m[i + 3] = NIL;
    if (head !== NIL) this.m[(head >>> 2) + 3] = b;
    this.heads[li] = b;
    this.slBitmap[li >>> SL_LOG2] |= 1 << (li & (SL_COUNT - 1));
    this.flBitmap |= 1 << (li >>> SL_LOG2);
    this.freeBytes += size;
  }

  private remove(b: number): void {
    const i = b >>> 2;
    const size = this.m[i + 1] & ~15;
    const next = this.m[i + 2];
    const prev = this.m[i + 3];
    if (next !== NIL) this.m[(next >>> 2) + 3] = prev;
    if (prev !== NIL) this.m[(prev >>> 2) + 2] = next;
    else {
      const li = listOf(size);
      this.heads[li] = next;
      if (next === NIL) {
        const fl = li >>> SL_LOG2;
        if ((this.slBitmap[fl] &= ~(1 << (li & (SL_COUNT - 1)))) === 0) this.flBitmap &= ~(1 << fl);
      }
    }
    this.m[i + 1] = size;
    this.freeBytes -= size;
  }

  /** Head of the first non-empty list at or above `li`, or NIL. */
  private findFrom(li: number): number {
    let fl = li >>> SL_LOG2;
    if (fl >= FL_COUNT) return NIL;
    let sl = this.slBitmap[fl] & (~0 << (li & (SL_COUNT - 1)));
    if (sl === 0) {
      const flMap = this.flBitmap & (~0 << (fl + 1));
      if (flMap === 0) return NIL;
      fl = ffs(flMap);
      sl = this.slBitmap[fl];
    }
    return this.heads[fl * SL_COUNT + ffs(sl)];
  }

  /** Shrinks used block `b` to `need` bytes, freeing the tail when it can stand alone. */
  private trim(b: number, need: number): void {
    const size = this.size(b);
    if (size - need < MIN_BLOCK) return;
    const r = b + need;
    this.m[(b >>> 2) + 1] = need;
    const next = b + size;
    this.setHeader(r, size - need, false, b);
    this.m[next >>> 2] = r;
    this.release(r);
  }

  /** Frees block `b`, merging with free physical neighbours, and files it. */
  private release(b: number): void {
    let size = this.size(b);
    const prev = this.m[b >>> 2];
    if (prev !== NIL && this.isFree(prev)) {
      this.remove(prev);
      size += this.size(prev);
      b = prev;
    }
    const next = b + size;
    if (this.isFree(next)) {
      this.remove(next);
      size += this.size(next);
    }
    this.m[(b >>> 2) + 1] = size;
    this.m[(b + size) >>> 2] = b;
    this.insert(b);
  }

  /**
   * The header offset of user pointer `ptr` after O(1) checks that it heads a live block: inside a
   * pool, a well-formed size, physical neighbours that point back at it, and the FREE bit clear.
   * Throws RkAllocViolation (double-free when the block is free, else invalid-free) before any change.
   */
  private liveBlock(ptr: number, op: string): number {
    const b = ptr - this.pbase - HDR;
    const w = this.m[(b >>> 2) + 1];
    const size = w & ~15;
    if (!this.headsBlock(b, w, size))
      throw new RkAllocViolation(
        this.name,
        'invalid-free',
        ptr,
        `${op} of an address that does not start a block of this heap`,
      );
    if ((w & FREE) !== 0)
      throw new RkAllocViolation(this.name, 'double-free', ptr, `${op} of a block that is free`);
    return b;
  }

  private headsBlock(b: number, w: number, size: number): boolean {
    if (b < 0 || b % 16 !== 0 || (w & 14) !== 0 || size < MIN_BLOCK) return false;
    const pools = this.pools;
    let i = 0;
    while (i < pools.length && !(b >= pools[i] && b < pools[i + 1])) i += 2;
    if (i === pools.length || b + size > pools[i + 1]) return false;
    if (this.m[(b + size) >>> 2] !== b) return false;
    const prev = this.m[b >>> 2];
    if (prev === NIL) return b === pools[i];
    return prev >= pools[i] && prev < b && prev + this.size(prev) === b;
  }

  private take(need: number): number {
    const b = this.findFrom(searchListOf(need));
    if (b === NIL) return NIL;
    this.remove(b);
    this.trim(b, need);
    return b;
  }

  malloc(size: number): number {
    const need = Math.max(MIN_BLOCK, ((size + 15) & ~15) + HDR);
    if (need > MAX_POOL) return 0;
    const b = this.take(need);
    return b === NIL ? 0 : this.pbase + b + HDR;
  }

  memalign(align: number, size: number): number {
    const need = Math.max(MIN_BLOCK, ((size + 15) & ~15) + HDR);
    if (need + align + MIN_BLOCK > MAX_POOL) return 0;
    let b = this.take(need + align + MIN_BLOCK);
    if (b === NIL) return 0;
    let gap = (align - ((this.pbase + b + HDR) % align)) % align;
    if (gap > 0 && gap < MIN_BLOCK) gap += align;
    if (gap > 0) {
      const total = this.size(b);
      const nb = b + gap;
      this.m[(b >>> 2) + 1] = gap;
      this.setHeader(nb, total - gap, false, b);
      this.m[(nb + total - gap) >>> 2] = nb;
      this.release(b);
      b = nb;
    }
    this.trim(b, need);
    return this.pbase + b + HDR;
  }

  free(ptr: number): number {
    const b = this.liveBlock(ptr, 'free');
    const usable = this.size(b) - HDR;
    this.release(b);
    return usable;
  }

  usableSize(ptr: number): number {
    return this.size(this.liveBlock(ptr, 'usableSize')) - HDR;
  }

  realloc(ptr: number, size: number): number {
    const b = this.liveBlock(ptr, 'realloc');
    const need = Math.max(MIN_BLOCK, ((size + 15) & ~15) + HDR);
    const cur = this.size(b);
    if (need <= cur) {
      this.trim(b, need);
      return ptr;
    }
    const next = b + cur;
    if (this.isFree(next) && cur + this.size(next) >= need) {
      const total = cur + this.size(next);
      this.remove(next);
      this.m[(b >>> 2) + 1] = total;
      this.m[(b + total) >>> 2] = b;
      this.trim(b, need);
      return ptr;
    }
    const n = this.malloc(size);
    if (n === 0) return 0;
    const u8 = new Uint8Array(this.m.buffer, this.m.byteOffset);
    u8.copyWithin(n - this.pbase, ptr - this.pbase, ptr - this.pbase + cur - HDR);
    this.release(b);
    return n;
  }

  addmem(base: number, len: number): number {
    let start = Math.ceil((base - this.pbase) / 16) * 16;
    const end = Math.floor((base + len - this.pbase) / 16) * 16;
    if (end - start < MIN_BLOCK + HDR) return -Errno.ENOMEM;
    while (end - start >= MIN_BLOCK + HDR) {
      const poolEnd = Math.min(end, start + MAX_POOL);
      const size = poolEnd - start - HDR;
      this.setHeader(start, size, false, NIL);
      this.setHeader(start + size, 0, false, start); // sentinel: a used block of size 0
      this.pools.push(start, start + size);
      this.insert(start);
      start = poolEnd;
    }
    return 0;
  }

  availmem(): number {
    return this.freeBytes;
  }

  maxalloc(): number {
    if (this.flBitmap === 0) return 0;
    const fl = fls(this.flBitmap);
    const li = fl * SL_COUNT + fls(this.slBitmap[fl]);
    return Math.max(0, listStart(li) - HDR);
  }
}
