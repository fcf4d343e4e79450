// __LIB__'s allocator: a bump allocator to start from. Allocation moves a pointer forward through the
// regions; free marks the block freed but gives nothing back (freeReclaims = false). Each block has a
// 16-byte header in guest RAM with a tag (live or freed, xor'd with the block's address) and its size,
// so a double or invalid free is reported before anything changes, as the conformance kit requires.
import { Errno } from '@runikraft/errno';
import { RkAllocViolation } from '@runikraft/rkalloc';
import type { RkAllocBackend } from '@runikraft/rkalloc/impl';
import type { RkPhysMem } from '@runikraft/rkplat';

const HDR = 16;
const LIVE = 0x6c697665;
const FREED = 0x66726565;

interface Region {
  readonly start: number;
  next: number;
  readonly end: number;
}

/** A bump allocator over [base, base+len) of `phys`; more memory comes through addmem. */
export class BumpBackend implements RkAllocBackend {
  readonly name = '__LIB__';
  readonly freeReclaims = false;
  private readonly regions: Region[] = [];
  private readonly words: Uint32Array;

  constructor(
    private readonly phys: RkPhysMem,
    base: number,
    len: number,
  ) {
    this.words = new Uint32Array(phys.buffer, phys.u8.byteOffset, phys.size >>> 2);
    if (this.addmem(base, len) !== 0)
      throw new RangeError(`__LIB__: region of ${len} bytes is too small`);
  }

  addmem(base: number, len: number): number {
    const start = Math.ceil(base / 16) * 16;
    const end = Math.floor((base + len) / 16) * 16;
    if (end - start < 4 * HDR) return -Errno.ENOMEM;
    this.regions.push({ start, next: start, end });
    return 0;
  }

  memalign(align: number, size: number): number {
    const bytes = Math.ceil(size / 16) * 16;
    for (const r of this.regions) {
      const ptr = Math.ceil((r.next + HDR) / align) * align;
      if (ptr + bytes > r.end) continue;
      r.next = ptr + bytes;
      const w = this.word(ptr);
      this.words[w] = ptr ^ LIVE;
      this.words[w + 1] = size;
      return ptr;
    }
    return 0;
  }

  malloc(size: number): number {
    return this.memalign(16, size);
  }

  free(ptr: number): number {
    const w = this.live(ptr, 'free');
    this.words[w] = ptr ^ FREED;
    return this.words[w + 1]!;
  }

  usableSize(ptr: number): number {
    return this.words[this.live(ptr, 'usableSize') + 1]!;
  }

  availmem(): number {
    return this.regions.reduce((n, r) => n + r.end - r.next, 0);
  }

  maxalloc(): number {
    return this.regions.reduce((m, r) => Math.max(m, r.end - r.next - 2 * HDR), 0);
  }

  /** Index in `words` of the header of the block at `ptr`. */
  private word(ptr: number): number {
    return (ptr - this.phys.base - HDR) >>> 2;
  }

  /** The header index of live block `ptr`. @throws RkAllocViolation for anything else. */
  private live(ptr: number, op: string): number {
    const inside = this.regions.some((r) => ptr >= r.start + HDR && ptr < r.next);
    const tag = inside && ptr % 16 === 0 ? this.words[this.word(ptr)] : undefined;
    if (tag === (ptr ^ LIVE) >>> 0) return this.word(ptr);
    if (tag === (ptr ^ FREED) >>> 0)
      throw new RkAllocViolation(this.name, 'double-free', ptr, `${op} of a block already freed`);
    throw new RkAllocViolation(
      this.name,
      'invalid-free',
      ptr,
      `${op} of an address that is no block`,
    );
  }
}
