// Netbufs and a fixed-size netbuf pool over a guest-RAM region (uk_netbuf + uk_netbuf_alloc_buf).
// The pool never allocates host memory per packet: buffers are slices of guest RAM.
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkNetbuf } from './api';

/** A pool of `count` buffers of `bufSize` bytes starting at guest-physical `basePa`. */
export class RkNetbufPool {
  private readonly freeList: PoolBuf[] = [];
  readonly capacity: number;

  constructor(
    readonly phys: RkPhysMem,
    readonly basePa: number,
    count: number,
    readonly bufSize: number,
    readonly headroom: number,
  ) {
    if (headroom >= bufSize)
      throw new RangeError(`netbuf pool: headroom ${headroom} >= buffer size ${bufSize}`);
    if (basePa < phys.base || basePa + count * bufSize > phys.base + phys.size)
      throw new RangeError(
        `netbuf pool: [${hex(basePa)}, +${count * bufSize}) is outside guest RAM`,
      );
    this.capacity = count;
    for (let i = count - 1; i >= 0; i--)
      this.freeList.push(new PoolBuf(this, basePa + i * bufSize, bufSize));
  }

  /** Bytes a pool of `count` buffers of `bufSize` occupies. */
  static bytes(count: number, bufSize: number): number {
    return count * bufSize;
  }

  /** A fresh buffer (data = headroom, len 0), or null when the pool is empty. */
  alloc(): RkNetbuf | null {
    const b = this.freeList.pop();
    if (!b) return null;
    b.inPool = false;
    b.data = this.headroom;
    b.len = 0;
    b.next = null;
    return b;
  }

  /** Up to `n` fresh buffers (fewer when the pool runs dry): the shape an RX queue's `allocRx` wants. */
  allocBurst(n: number): RkNetbuf[] {
    const out: RkNetbuf[] = [];
    for (let i = 0; i < n; i++) {
      const b = this.alloc();
      if (!b) break;
      out.push(b);
    }
    return out;
  }

  get available(): number {
    return this.freeList.length;
  }

  /** @internal */
  release(b: PoolBuf): void {
    if (b.inPool) throw new Error(`netbuf ${hex(b.pa)} freed twice`);
    b.inPool = true;
    this.freeList.push(b);
  }
}

class PoolBuf implements RkNetbuf {
  data = 0;
  len = 0;
  next: RkNetbuf | null = null;
  inPool = true;
  constructor(
    private readonly pool: RkNetbufPool,
    readonly pa: number,
    readonly size: number,
  ) {}
  free(): void {
    let b: RkNetbuf | null = this;
    while (b) {
      const n: RkNetbuf | null = b.next;
      b.next = null;
      if (b instanceof PoolBuf) b.pool.release(b);
      else b.free();
      b = n;
    }
  }
}

/** The data bytes of one segment, a view into guest RAM (no copy). */
export function netbufData(phys: RkPhysMem, nb: RkNetbuf): Uint8Array {
  const off = nb.pa - phys.base + nb.data;
  return phys.u8.subarray(off, off + nb.len);
}

/** Total data length of a chain. */
export function netbufChainLen(nb: RkNetbuf): number {
  let n = 0;
  for (let b: RkNetbuf | null = nb; b; b = b.next) n += b.len;
  return n;
}

/** Copies `bytes` into `nb` after its headroom. @returns false if it does not fit. */
export function netbufWrite(phys: RkPhysMem, nb: RkNetbuf, bytes: Uint8Array): boolean {
  if (nb.data + bytes.length > nb.size) return false;
  phys.u8.set(bytes, nb.pa - phys.base + nb.data);
  nb.len = bytes.length;
  return true;
}

/** Copies a whole chain's data out (for tests and slow paths). */
export function netbufRead(phys: RkPhysMem, nb: RkNetbuf): Uint8Array {
  const out = new Uint8Array(netbufChainLen(nb));
  let o = 0;
  for (let b: RkNetbuf | null = nb; b; b = b.next) {
    out.set(netbufData(phys, b), o);
    o += b.len;
  }
  return out;
}

/** Grows data by `n` bytes at the front (uk_netbuf_header). @returns false if headroom is short. */
export function netbufPrepend(nb: RkNetbuf, n: number): boolean {
  if (n > nb.data) return false;
  nb.data -= n;
  nb.len += n;
  return true;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
