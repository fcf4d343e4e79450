// Host bytes waiting for the guest, kept as the chunks the socket delivered (no concatenation):
// segments copy their payload straight from here into the frame, the one copy on that path.

export class ByteQueue {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already dropped. */
  private head = 0;
  /** Bytes held. */
  length = 0;

  /** Appends `b` (kept by reference: the caller must not reuse it). */
  push(b: Uint8Array): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.length += b.length;
  }

  /** Drops the first `n` bytes (n ≤ length). */
  drop(n: number): void {
    n = Math.min(n, this.length);
    this.length -= n;
    while (n > 0) {
      const left = this.chunks[0].length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /** Copies bytes [off, off + n) of the queue to `dst` at `at` (off + n ≤ length). */
  copyTo(off: number, n: number, dst: Uint8Array, at: number): void {
    let skip = off + this.head;
    for (let i = 0; n > 0 && i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      const k = Math.min(n, c.length - skip);
      dst.set(skip === 0 && k === c.length ? c : c.subarray(skip, skip + k), at);
      at += k;
      n -= k;
      skip = 0;
    }
  }

  /** Bytes [off, off + n) as one array (a copy; for the rare paths). */
  slice(off: number, n: number): Uint8Array {
    const b = new Uint8Array(n);
    this.copyTo(off, n, b, 0);
    return b;
  }
}
