// Bounds-checked decoding of one 9P message (little-endian; s = len[2] + UTF-8, qid[13]). Every read
// names its field, so a short or lying message becomes a P9WireError saying where, never a RangeError.
import type { RkP9Qid } from '../api';
import { P9_HDRSZ, p9TypeName } from './consts';
import { badMsg } from './error';
import { utf8Read } from './utf8';

const TWO32 = 0x100000000;

/** The DataView of the last buffer read from: replies arrive in one buffer (guest RAM) again and again. */
let lastBuffer: ArrayBufferLike | null = null;
let lastView: DataView | null = null;
function viewOf(buffer: ArrayBufferLike): DataView {
  if (buffer !== lastBuffer || !lastView) {
    lastView = new DataView(buffer);
    lastBuffer = buffer;
  }
  return lastView;
}

export class P9Reader {
  /** Offset of the next byte to read. */
  pos = P9_HDRSZ;
  readonly type: number;
  readonly tag: number;
  /** "Rwalk": the message name errors carry. */
  readonly name: string;
  /** A view of b's whole buffer (shared by the messages of one buffer) and b's offset in it. */
  private readonly v: DataView;
  private readonly base: number;

  /**
   * Checks the header of the whole message `b` (size[4] type[1] tag[2]).
   * @throws P9WireError EBADMSG when `b` is shorter than a header or size[4] disagrees with its length.
   */
  constructor(readonly b: Uint8Array) {
    if (b.length < P9_HDRSZ)
      throw badMsg('message', 'size', `${b.length} bytes, shorter than the 7-byte header`);
    this.v = viewOf(b.buffer);
    this.base = b.byteOffset;
    const size = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    this.type = b[4];
    this.tag = b[5] | (b[6] << 8);
    this.name = p9TypeName(this.type);
    if (size !== b.length)
      throw badMsg(this.name, 'size', `says ${size} bytes, the message has ${b.length}`);
  }

  private need(n: number, field: string): number {
    const at = this.pos;
    if (at + n > this.b.length)
      throw badMsg(
        this.name,
        field,
        `needs ${n} bytes at offset ${at}, the message ends at ${this.b.length}`,
      );
    this.pos = at + n;
    return at;
  }

  u8(field: string): number {
    return this.b[this.need(1, field)];
  }
  u16(field: string): number {
    return this.v.getUint16(this.base + this.need(2, field), true);
  }
  u32(field: string): number {
    return this.v.getUint32(this.base + this.need(4, field), true);
  }
  /** A u64 that must fit a JS number (sizes, offsets, counts). @throws EBADMSG when it exceeds 2^53 − 1. */
  u64(field: string): number {
    const at = this.base + this.need(8, field);
    const hi = this.v.getUint32(at + 4, true);
    if (hi > 0x1fffff) throw badMsg(this.name, field, `0x${hi.toString(16)}_xxxxxxxx exceeds 2^53`);
    return hi * TWO32 + this.v.getUint32(at, true);
  }
  /** A u64 carried exactly (qid paths, directory cookies, fsid). */
  u64big(field: string): bigint {
    return this.v.getBigUint64(this.base + this.need(8, field), true);
  }
  /** s: len[2] + UTF-8. @throws EBADMSG when it runs past the end or is not UTF-8. */
  str(field: string): string {
    // the length's field name is made only for the error it would carry
    const n = this.pos + 2 > this.b.length ? this.u16(`${field}.len`) : this.u16('');
    const at = this.need(n, field);
    const s = utf8Read(this.b, at, at + n);
    if (s === null) throw badMsg(this.name, field, 'is not valid UTF-8');
    return s;
  }
  qid(field: string): RkP9Qid {
    const at = this.need(13, field);
    return {
      type: this.b[at],
      version: this.v.getUint32(this.base + at + 1, true),
      path: this.v.getBigUint64(this.base + at + 5, true),
    };
  }
  /** `n` raw bytes as a view into the message (no copy). */
  bytes(n: number, field: string): Uint8Array {
    const at = this.need(n, field);
    return this.b.subarray(at, at + n);
  }
  /** @throws EBADMSG when bytes remain after the last field. */
  end(): void {
    if (this.pos !== this.b.length)
      throw badMsg(
        this.name,
        '',
        `${this.b.length - this.pos} trailing bytes after the last field`,
      );
  }
}
