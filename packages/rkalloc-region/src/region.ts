// The region (bump) allocator, as Unikraft's lib/ukallocregion: allocation bumps a pointer, free is a
// no-op. Each block has a 16-byte header in guest RAM holding its size (for realloc and usableSize).

import { Errno } from '@runikraft/errno';
import type { RkAllocBackend } from '@runikraft/rkalloc/impl';
import type { RkPhysMem } from '@runikraft/rkplat';

const HDR = 16;
const MIN_REGION = 64;

interface Region {
  cur: number;
  end: number;
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
    this.regions.push({ cur: start, end });
    return 0;
  }

  memalign(align: number, size: number): number {
    const need = Math.ceil(size / 16) * 16;
    for (const r of this.regions) {
      const ptr = Math.ceil((r.cur + HDR) / align) * align;
      if (ptr + need <= r.end) {
        r.cur = ptr + need;
        this.u32[(ptr - this.pbase - 8) >>> 2] = size;
        return ptr;
      }
    }
    return 0;
  }

  malloc(size: number): number {
    return this.memalign(16, size);
  }

  free(ptr: number): number {
    return this.usableSize(ptr);
  }

  usableSize(ptr: number): number {
    return this.u32[(ptr - this.pbase - 8) >>> 2];
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
