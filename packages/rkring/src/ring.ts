// Ring buffer in guest memory (Unikraft's ukring, after FreeBSD's buf_ring): a power-of-two array
// of 32-bit entries (guest addresses or values) with producer/consumer head/tail indices, in
// single- or multi-producer / -consumer mode. Multi modes reserve slots with Atomics CAS, as
// buf_ring does, so an interrupt handler may enqueue while a thread is enqueueing.
import { Errno } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';

/** Header words (u32, little-endian) at the ring's guest address; slots follow at +32. */
const PROD_HEAD = 0;
const PROD_TAIL = 1;
const CONS_HEAD = 2;
const CONS_TAIL = 3;
const SIZE = 4;
const MASK = 5;
const FLAGS = 6;
const DROPS = 7;
const HEADER_BYTES = 32;
const MAGIC_FLAGS = 0x52_49_00_00; // "RI" in the high half marks a formatted ring

export interface RkRingMode {
  /** Several producers (threads and IRQ handlers) may enqueue concurrently. Default false (SP). */
  readonly multiProducer?: boolean;
  /** Several consumers may dequeue concurrently. Default false (SC). */
  readonly multiConsumer?: boolean;
}

export class RkRing {
  private readonly h: Int32Array;
  private readonly slots: Uint32Array;
  readonly size: number;
  private readonly mask: number;
  readonly mp: boolean;
  readonly mc: boolean;

  /** Guest bytes needed for a ring of `count` entries. */
  static bytesFor(count: number): number {
    return HEADER_BYTES + 4 * count;
  }

  /** Formats a new ring of `count` (a power of two) entries at guest physical `paddr`. */
  static create(phys: RkPhysMem, paddr: number, count: number, mode: RkRingMode = {}): RkRing {
    if (!Number.isInteger(count) || count < 2 || count > 1 << 24 || (count & (count - 1)) !== 0) {
      throw new RangeError(`rkring: count ${count} must be a power of two in [2, 2^24]`);
    }
    const h = headerView(phys, paddr, count);
    h.fill(0);
    h[SIZE] = count;
    h[MASK] = count - 1;
    h[FLAGS] = MAGIC_FLAGS | (mode.multiProducer ? 1 : 0) | (mode.multiConsumer ? 2 : 0);
    return new RkRing(phys, paddr);
  }

  /** Attaches to a ring already formatted at `paddr` (e.g. shared with a driver). */
  constructor(
    phys: RkPhysMem,
    readonly paddr: number,
  ) {
    const probe = headerView(phys, paddr, 0);
    if ((probe[FLAGS]! & 0xffff0000) !== MAGIC_FLAGS)
      throw new Error(`rkring: no ring formatted at 0x${paddr.toString(16)}`);
    this.size = probe[SIZE]!;
    this.mask = probe[MASK]!;
    this.h = headerView(phys, paddr, this.size);
    this.slots = new Uint32Array(phys.buffer, paddr - phys.base + HEADER_BYTES, this.size);
    this.mp = (probe[FLAGS]! & 1) !== 0;
    this.mc = (probe[FLAGS]! & 2) !== 0;
  }

  /** Entries queued. */
  count(): number {
    return (Atomics.load(this.h, PROD_TAIL) - Atomics.load(this.h, CONS_TAIL)) >>> 0;
  }

  empty(): boolean {
    return this.count() === 0;
  }

  full(): boolean {
    return this.count() === this.size;
  }

  /** Enqueues attempts refused because the ring was full. */
  get drops(): number {
    return Atomics.load(this.h, DROPS) >>> 0;
  }

  /** Enqueues a 32-bit value. @returns 0 or -ENOBUFS (full; counted as a drop). May run in IRQ context. */
  enqueue(value: number): number {
    const h = this.h;
    let head: number;
    if (this.mp) {
      do {
        head = Atomics.load(h, PROD_HEAD);
        if ((head - Atomics.load(h, CONS_TAIL)) >>> 0 >= this.size) return this.drop();
      } while (Atomics.compareExchange(h, PROD_HEAD, head, (head + 1) | 0) !== head);
    } else {
      head = h[PROD_HEAD]!;
      if ((head - Atomics.load(h, CONS_TAIL)) >>> 0 >= this.size) return this.drop();
      h[PROD_HEAD] = (head + 1) | 0;
    }
    this.slots[head & this.mask] = value >>> 0;
    // Publish in order: an earlier multi-producer reservation must complete first (buf_ring spins;
    // on one hart it has always completed, since handlers run to completion).
    Atomics.store(h, PROD_TAIL, (head + 1) | 0);
    return 0;
  }

  /** Dequeues the oldest value, or null when empty. May run in IRQ context. */
  dequeue(): number | null {
    const h = this.h;
    let head: number;
    if (this.mc) {
      do {
        head = Atomics.load(h, CONS_HEAD);
        if (head === Atomics.load(h, PROD_TAIL)) return null;
      } while (Atomics.compareExchange(h, CONS_HEAD, head, (head + 1) | 0) !== head);
    } else {
      head = h[CONS_HEAD]!;
      if (head === Atomics.load(h, PROD_TAIL)) return null;
      h[CONS_HEAD] = (head + 1) | 0;
    }
    const v = this.slots[head & this.mask]!;
    Atomics.store(h, CONS_TAIL, (head + 1) | 0);
    return v;
  }

  /** The oldest value without removing it (single consumer), or null. */
  peek(): number | null {
    const head = Atomics.load(this.h, CONS_HEAD);
    return head === Atomics.load(this.h, PROD_TAIL) ? null : this.slots[head & this.mask]!;
  }

  /** Enqueues as many of `values` as fit. @returns how many were enqueued. */
  enqueueBurst(values: ArrayLike<number>): number {
    let i = 0;
    while (i < values.length && this.enqueue(values[i]!) === 0) i++;
    return i;
  }

  /** Dequeues up to `out.length` values into `out`. @returns how many. */
  dequeueBurst(out: Uint32Array | number[]): number {
    let i = 0;
    for (; i < out.length; i++) {
      const v = this.dequeue();
      if (v === null) break;
      out[i] = v;
    }
    return i;
  }

  private drop(): number {
    Atomics.add(this.h, DROPS, 1);
    return -Errno.ENOBUFS;
  }
}

function headerView(phys: RkPhysMem, paddr: number, count: number): Int32Array {
  const off = paddr - phys.base;
  if (!Number.isInteger(paddr) || paddr % 8 !== 0)
    throw new RangeError(`rkring: address 0x${paddr.toString(16)} is not 8-byte aligned`);
  if (off < 0 || off + RkRing.bytesFor(count) > phys.size) {
    throw new RangeError(
      `rkring: ring at 0x${paddr.toString(16)} (${RkRing.bytesFor(count)} bytes) is outside guest RAM`,
    );
  }
  return new Int32Array(phys.buffer, off, HEADER_BYTES / 4);
}
