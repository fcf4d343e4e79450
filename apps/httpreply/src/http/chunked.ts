// Skips a chunked request body (RFC 9112 §7.1) that httpreply does not use, so the next pipelined
// request on a keep-alive connection starts at the right byte. Resumable across reads.
import { hexDigit } from './ascii';

const enum S {
  Size,
  Ext,
  Data,
  DataCr,
  DataLf,
  Trailer,
  TrailerLine,
}

/** Outcome of feeding bytes: bytes consumed, and whether the body ended or was malformed. */
export interface ChunkedSkip {
  readonly used: number;
  readonly done: boolean;
  readonly error: boolean;
}

/** A discarding chunked-body decoder. */
export class ChunkedDiscarder {
  private s = S.Size;
  private size = 0;
  private digits = 0;
  private left = 0;

  /** Consumes what it can of `buf[from, to)`. */
  feed(buf: Uint8Array, from: number, to: number): ChunkedSkip {
    let i = from;
    while (i < to) {
      const c = buf[i];
      switch (this.s) {
        case S.Size: {
          const d = hexDigit(c);
          if (d >= 0) {
            if (++this.digits > 12) return { used: i - from, done: false, error: true };
            this.size = this.size * 16 + d;
          } else if (this.digits === 0) return { used: i - from, done: false, error: true };
          else if (c === 0x0d || c === 0x0a || c === 0x3b || c === 0x20 || c === 0x09) {
            this.s = c === 0x0a ? this.afterSize() : S.Ext;
          } else return { used: i - from, done: false, error: true };
          i++;
          break;
        }
        case S.Ext:
          if (c === 0x0a) this.s = this.afterSize();
          i++;
          break;
        case S.Data: {
          const n = Math.min(this.left, to - i);
          this.left -= n;
          i += n;
          if (this.left === 0) this.s = S.DataCr;
          break;
        }
        case S.DataCr:
          if (c === 0x0a) this.s = S.Size;
          else if (c === 0x0d) this.s = S.DataLf;
          else return { used: i - from, done: false, error: true };
          i++;
          break;
        case S.DataLf:
          if (c !== 0x0a) return { used: i - from, done: false, error: true };
          this.s = S.Size;
          i++;
          break;
        case S.Trailer:
          i++;
          if (c === 0x0a) return { used: i - from, done: true, error: false };
          if (c !== 0x0d) this.s = S.TrailerLine;
          break;
        case S.TrailerLine:
          i++;
          if (c === 0x0a) this.s = S.Trailer;
          break;
      }
    }
    return { used: i - from, done: false, error: false };
  }

  private afterSize(): S {
    const s = this.size === 0 ? S.Trailer : S.Data;
    this.left = this.size;
    this.size = 0;
    this.digits = 0;
    return s;
  }
}
