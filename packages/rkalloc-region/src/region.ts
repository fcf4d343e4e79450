// The region (bump) allocator, as Unikraft's lib/ukallocregion: allocation bumps a pointer, free gives
// nothing back. Each block has a 16-byte header in guest RAM: a tag saying live or freed (so a double
// or invalid free is reported, never counted twice) and the size (for realloc and usableSize).

import { Errno } from '@runikraft/errno';
import { RkAllocViolation } from '@runikraft/rkalloc';
import type { RkAllocBackend } from '@runikraft/rkalloc/impl';
import type { RkPhysMem } from '@runikraft/rkplat';

const HDR = 16;
const MIN_REGION = 64;
// Header tags, xor'd with the block address so stale or copied headers do not match elsewhere.
const TAG_LIVE = 0x4c495645;
const TAG_FREED = 0x46524545;

interface Region {
  readonly start: number;
  cur: number;
  readonly end: number;
}

/** A bump allocator over [base, base+len); more regions come through addmem. */
export class RegionBackend implements RkAllocBackend {
  readonly name = 'region';
  readonly freeReclaims = false;
  private readonly regions: Region[] = [];
  private readonly u32: Uint32Array;
  private readonly pbase: number;

  constructor(phys: RkPhysMem, base: number, len: number) {
    this.u32 = new Uint32Array(phys.buffer, phys.u8.byteOffset, phys.size >>> 2);
    this.pbase = phys.base;
    if (this.addmem(base, len) !== 0)
      throw new RangeError(`region: [0x${base.toString(16)}, +${len}) is too small`);
  }

  addmem(base: number, len: number): number {
    const start = Math.ceil(base / 16) * 16;
    const end = Math.floor((base + len) / 16) * 16;
    if (end - start < MIN_REGION) return -Errno.ENOMEM;
    this.regions.push({ start, cur: start, end });
    return 0;
  }

  memalign(align: number, size: number): number {
    const need = Math.ceil(size / 16) * 16;
    for (const r of this.regions) {
      const ptr = Math.ceil((r.cur + HDR) / align) * align;
      if (ptr + need <= r.end) {
        r.cur = ptr + need;
        const h = (ptr - this.pbase - HDR) >>> 2;
        this.u32[h] = ptr ^ TAG_LIVE;
        this.u32[h + 2] = size;
        return ptr;
      }
    }
    return 0;
  }

  malloc(size: number): number {
    return this.memalign(16, size);
  }

  /** Marks the block freed (its memory is not reused); a second free or a non-block throws. */
  free(ptr: number): number {
    const h = this.header(ptr, 'free');
    this.u32[h] = ptr ^ TAG_FREED;
    return this.u32[h + 2];
  }

  usableSize(ptr: number): number {
    return this.u32[this.header(ptr, 'usableSize') + 2];
  }

  /** The header word index of live block `ptr`; throws RkAllocViolation when `ptr` is not one. */
  private header(ptr: number, op: string): number {
    const h = (ptr - this.pbase - HDR) >>> 2;
    let tag = 0;
    for (const r of this.regions)
      if (ptr >= r.start + HDR && ptr < r.cur && ptr % 16 === 0) tag = this.u32[h];
    if (tag === (ptr ^ TAG_LIVE) >>> 0) return h;
    if (tag === (ptr ^ TAG_FREED) >>> 0)
      throw new RkAllocViolation(this.name, 'double-free', ptr, `${op} of a block already freed`);
    throw new RkAllocViolation(
      this.name,
      'invalid-free',
      ptr,
      `${op} of an address that does not start a block of this heap`,
    );
  }

  availmem(): number {
    let n = 0;
    for (const r of this.regions) n += r.end - r.cur;
    return n;
  }

  maxalloc(): number {
    let m = 0;
    for (const r of this.regions) m = Math.max(m, r.end - r.cur - HDR);
    return m;
  }
}
