// A growable big-endian byte buffer for building the struct block.

import { putBe32 } from './bytes';

/** Growable byte buffer with big-endian u32 writes and 4-byte padding. */
export class ByteSink {
  private buf = new Uint8Array(1024);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u32(v: number): void {
    this.ensure(4);
    putBe32(this.buf, this.length, v);
    this.length += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** Zero-pads to a multiple of 4. */
  pad4(): void {
    const n = (4 - (this.length & 3)) & 3;
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
