// Socket buffers in guest RAM (RkNetEnv.allocBuffer/freeBuffer): blocks from the stack's allocator
// seen as views of guest memory, counted so that what sockets hold is visible and every test can
// assert it all came back. Exhaustion is a null (backpressure or -ENOMEM upstream), never a throw.
import type { RkPhysMem } from '@runikraft/rkplat';

/** What socket buffers hold now and how often memory ran out (cumulative). */
export interface RkSocketMemoryStats {
  /** Buffers handed out and not yet returned. */
  inUse: number;
  /** Bytes of those buffers. */
  bytes: number;
  /** Highest `bytes` seen. */
  peakBytes: number;
  /** Requests refused (allocator empty or `limit` reached). */
  failures: number;
}

/** Socket buffers as views of guest RAM from `memalign`/`free` (the stack's rkalloc in an image). */
export class RkSocketMemory {
  readonly stats: RkSocketMemoryStats = { inUse: 0, bytes: 0, peakBytes: 0, failures: 0 };

  /**
   * @param limit most bytes all socket buffers may hold together (Linux's tcp_mem cap), so sockets
   * cannot take the whole heap from the application; Infinity for no cap beyond the allocator.
   */
  constructor(
    private readonly phys: RkPhysMem,
    private readonly memalign: (align: number, bytes: number) => number,
    private readonly release: (pa: number) => void,
    readonly limit = Number.POSITIVE_INFINITY,
  ) {}

  /** `size` bytes of guest RAM, or null when the allocator or the limit says no. Any context. */
  alloc(size: number): Uint8Array | null {
    const s = this.stats;
    const pa = s.bytes + size > this.limit ? 0 : this.memalign(16, size);
    if (pa === 0) {
      s.failures++;
      return null;
    }
    s.inUse++;
    s.bytes += size;
    if (s.bytes > s.peakBytes) s.peakBytes = s.bytes;
    const off = pa - this.phys.base;
    return this.phys.u8.subarray(off, off + size);
  }

  /** Returns a buffer `alloc` gave. Throws RangeError for a view that is not of guest RAM. */
  free(b: Uint8Array): void {
    if (b.buffer !== this.phys.buffer)
      throw new RangeError('rknet: freeing a buffer not in guest RAM');
    this.stats.inUse--;
    this.stats.bytes -= b.length;
    this.release(this.phys.base + b.byteOffset - this.phys.u8.byteOffset);
  }
}
