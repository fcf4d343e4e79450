// Splits a byte stream (a socket) into whole 9P messages by their size[4] field. A size below the
// header or above msize cannot be resynchronised from, so it ends the stream with a precise error.
import { P9_HDRSZ } from './consts';
import { badMsg } from './error';

export class P9Framer {
  private buf: Uint8Array = new Uint8Array(0);
  private len = 0;

  /** `maxSize`: the largest message accepted (the negotiated msize, or the proposed one before). */
  constructor(public maxSize: number) {}

  /**
   * Adds `chunk` and returns the messages it completes (each its own copy).
   * @throws P9WireError EBADMSG when a size field is below 7 or above `maxSize`.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.len + chunk.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.len + chunk.length, this.buf.length * 2, 4096));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    const out: Uint8Array[] = [];
    let at = 0;
    while (this.len - at >= 4) {
      const b = this.buf;
      const size = (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
      if (size < P9_HDRSZ || size > this.maxSize)
        throw badMsg('message', 'size', `${size} is outside [7, ${this.maxSize}] (msize)`);
      if (this.len - at < size) break;
      out.push(b.slice(at, at + size));
      at += size;
    }
    this.buf.copyWithin(0, at, this.len);
    this.len -= at;
    return out;
  }
}
