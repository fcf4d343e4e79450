// The reference model the kit checks an allocator against: live blocks with fill patterns.
import type { RkAlloc } from '../api';
import type { RkAllocTestEnv } from './env';

/** One live block as the kit remembers it. */
export interface LiveBlock {
  ptr: number;
  size: number;
  /** Pages for palloc'd blocks, 0 for malloc'd. */
  npages: number;
  tag: number;
}

/** Throws a kit failure with a precise message. */
export function fail(message: string): never {
  throw new Error(`rkalloc conformance: ${message}`);
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** Tracks live blocks and checks every invariant the kit promises. */
export class HeapModel {
  readonly live: LiveBlock[] = [];
  private nextTag = 1;
  constructor(
    readonly a: RkAlloc,
    readonly env: RkAllocTestEnv,
  ) {}

  /** Records a new block after checking range, alignment, disjointness, and (if asked) zero fill. */
  add(ptr: number, size: number, align: number, npages = 0, zeroed = false): LiveBlock {
    const { env } = this;
    const end = ptr + size;
    const inA = ptr >= env.base && end <= env.base + env.len;
    const inB = ptr >= env.extra.base && end <= env.extra.base + env.extra.len;
    if (!inA && !inB) fail(`block [${hex(ptr)}, ${hex(end)}) lies outside the managed regions`);
    if (ptr % align !== 0) fail(`block ${hex(ptr)} is not ${align}-byte aligned`);
    for (const b of this.live)
      if (ptr < b.ptr + b.size && b.ptr < end)
        fail(`block [${hex(ptr)}, +${size}) overlaps live block [${hex(b.ptr)}, +${b.size})`);
    const u8 = env.phys.u8;
    const off = ptr - env.phys.base;
    if (zeroed)
      for (let i = 0; i < size; i++)
        if (u8[off + i] !== 0) fail(`calloc block ${hex(ptr)} byte ${i} is ${u8[off + i]}, not 0`);
    const blk = { ptr, size, npages, tag: this.nextTag++ & 0xff };
    this.fill(blk);
    this.live.push(blk);
    return blk;
  }

  fill(b: LiveBlock, from = 0): void {
    const u8 = this.env.phys.u8;
    const off = b.ptr - this.env.phys.base;
    for (let i = from; i < b.size; i++) u8[off + i] = (b.tag + i) & 0xff;
  }

  /** Checks the first `n` bytes of a block still hold its pattern (nobody else wrote into it). */
  verify(b: LiveBlock, n = b.size, tag = b.tag): void {
    const u8 = this.env.phys.u8;
    const off = b.ptr - this.env.phys.base;
    for (let i = 0; i < n; i++)
      if (u8[off + i] !== ((tag + i) & 0xff))
        fail(`contents of block ${hex(b.ptr)} (${b.size} bytes) changed at byte ${i}`);
  }

  remove(index: number): LiveBlock {
    const b = this.live[index];
    this.live[index] = this.live[this.live.length - 1];
    this.live.pop();
    return b;
  }

  /** Statistics agree with the model. */
  checkStats(): void {
    const s = this.a.stats();
    const want = this.live.length;
    if (s.curNbAllocs !== want)
      fail(`stats.curNbAllocs is ${s.curNbAllocs}, ${want} blocks are live`);
    if (s.totNbAllocs - s.totNbFrees !== want)
      fail(
        `stats: totNbAllocs ${s.totNbAllocs} - totNbFrees ${s.totNbFrees} != ${want} live blocks`,
      );
    const bytes = this.live.reduce((t, b) => t + b.size, 0);
    if (s.curMemUse < bytes)
      fail(`stats.curMemUse ${s.curMemUse} < ${bytes} bytes requested by live blocks`);
    if (s.maxMemUse < s.curMemUse || s.maxNbAllocs < s.curNbAllocs)
      fail('stats: a peak is below the current value');
    if (want === 0 && s.curMemUse !== 0)
      fail(`stats.curMemUse is ${s.curMemUse} with no live block`);
  }

  /** Frees everything (verifying contents first). */
  freeAll(): void {
    while (this.live.length > 0) {
      const b = this.remove(this.live.length - 1);
      this.verify(b);
      if (b.npages > 0) this.a.pfree(b.ptr, b.npages);
      else this.a.free(b.ptr);
    }
  }
}
