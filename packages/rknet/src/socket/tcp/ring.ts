// A byte ring for a connection's send or receive buffer. Its capacity is the socket buffer size
// (SO_SNDBUF/SO_RCVBUF, what windows are computed from), but storage is obtained lazily and grows by
// doubling from a small first allocation up to that size, so an idle connection costs no buffer
// memory and a small exchange a few KiB. Out-of-order data lands in place past the readable end
// (`writeAt`), so a received byte is copied once into the ring and once out to the application.

/** Where ring storage comes from (guest RAM in a booted stack); null means out of memory. */
export interface RkTcpRingMemory {
  alloc(size: number): Uint8Array | null;
  free(b: Uint8Array): void;
}

/** The first allocation of a ring (bytes). */
export const RING_FIRST_ALLOC = 4096;

/** A FIFO of bytes with a fixed logical capacity and storage that grows on demand. */
export class RkTcpRing {
  private store: Uint8Array | null = null;
  private head = 0;
  private len = 0;
  /** A write found no room in the storage it has and memory to grow it ran out; cleared by consume. */
  starved = false;

  constructor(
    readonly capacity: number,
    private readonly mem: RkTcpRingMemory,
  ) {}

  /** Readable bytes. */
  get length(): number {
    return this.len;
  }
  /** Bytes that can still be appended (of the logical capacity). */
  get free(): number {
    return this.capacity - this.len;
  }
  /** Bytes of storage held now. */
  get allocated(): number {
    return this.store?.length ?? 0;
  }

  /**
   * Makes storage hold at least `need` bytes (<= capacity), doubling; the bytes keep their offsets
   * from the head. @returns false when memory ran out (the ring is unchanged).
   */
  private ensure(need: number): boolean {
    const have = this.store?.length ?? 0;
    if (need <= have) return true;
    let size = Math.max(RING_FIRST_ALLOC, have);
    while (size < need) size *= 2;
    size = Math.min(size, this.capacity);
    const next = this.mem.alloc(size);
    if (!next) return false;
    if (this.store) {
      // Linearise everything from the head (readable and out-of-order bytes alike).
      const old = this.store;
      const first = old.subarray(this.head);
      next.set(first, 0);
      next.set(old.subarray(0, this.head), first.length);
      this.mem.free(old);
    }
    this.store = next;
    this.head = 0;
    return true;
  }

  /** Appends as much of `src` as fits. @returns bytes taken (0 also when memory ran out). */
  write(src: Uint8Array): number {
    let n = this.writeAt(0, src.subarray(0, Math.min(src.length, this.free)));
    if (n === 0 && src.length > 0 && this.free > 0) {
      // No memory to grow: fill what the storage already has (backpressure, not failure).
      const room = this.allocated - this.len;
      n = room > 0 ? this.writeAt(0, src.subarray(0, room)) : 0;
      this.starved = n === 0;
    }
    this.len += n;
    return n;
  }

  /**
   * Copies `src` to `off` bytes past the readable end without making it readable; clipped to the
   * capacity. @returns bytes stored (0 when memory for them ran out).
   */
  writeAt(off: number, src: Uint8Array): number {
    const n = Math.max(0, Math.min(src.length, this.capacity - this.len - off));
    if (n === 0 || !this.ensure(this.len + off + n)) return 0;
    const s = this.store!;
    const at = (this.head + this.len + off) % s.length;
    const first = Math.min(n, s.length - at);
    s.set(src.subarray(0, first), at);
    if (n > first) s.set(src.subarray(first, n), 0);
    return n;
  }

  /** Makes `n` bytes written by writeAt readable. */
  commit(n: number): void {
    this.len = Math.min(this.allocated, this.len + n);
  }

  /** Copies up to dst.length bytes starting `off` bytes into the readable data. @returns the count. */
  peek(off: number, dst: Uint8Array): number {
    const n = Math.max(0, Math.min(dst.length, this.len - off));
    if (n === 0) return 0;
    const s = this.store!;
    const at = (this.head + off) % s.length;
    const first = Math.min(n, s.length - at);
    dst.set(s.subarray(at, at + first), 0);
    if (n > first) dst.set(s.subarray(0, n - first), first);
    return n;
  }

  /** Drops `n` readable bytes from the front. */
  consume(n: number): void {
    const k = Math.min(n, this.len);
    if (k === 0) return;
    this.head = (this.head + k) % this.store!.length;
    this.len -= k;
    this.starved = false;
  }

  /** Copies out and consumes up to dst.length bytes. @returns the count. */
  read(dst: Uint8Array): number {
    const n = this.peek(0, dst);
    this.consume(n);
    return n;
  }

  /** Returns the storage (the ring reads as empty afterwards); idempotent. */
  release(): void {
    if (this.store) this.mem.free(this.store);
    this.store = null;
    this.head = this.len = 0;
  }
}
