// Bounds-checked encoding of one 9P message into a caller's buffer (a request slot of msize bytes).
// Values are range-checked as they are written: a wrapped u32 would name another fid or offset.
import { Errno } from '@runikraft/errno';
import type { RkP9Qid } from '../api';
import { P9_HDRSZ, p9TypeName } from './consts';
import { P9WireError } from './error';
import { utf8Write } from './utf8';

const TWO32 = 0x100000000;

export class P9Writer {
  pos = P9_HDRSZ;
  private readonly v: DataView;

  /** Starts message `type` with `tag` in `b` (the message may use all of `b`). */
  constructor(
    readonly b: Uint8Array,
    public type: number,
    tag: number,
  ) {
    if (b.length < P9_HDRSZ) throw this.err(Errno.EMSGSIZE, '', `buffer of ${b.length} bytes`);
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.restart(type, tag);
  }

  /** "Twalk": the message name errors carry. */
  get name(): string {
    return p9TypeName(this.type);
  }

  /** Starts another message in the same buffer (an encoder keeps one writer per buffer). */
  restart(type: number, tag: number): this {
    this.type = type;
    this.pos = P9_HDRSZ;
    this.b[4] = type;
    this.v.setUint16(5, tag, true);
    return this;
  }

  private err(errno: number, field: string, reason: string): P9WireError {
    return new P9WireError(errno, this.name, field, reason);
  }

  private room(n: number, field: string): number {
    const at = this.pos;
    if (at + n > this.b.length)
      throw this.err(
        Errno.EMSGSIZE,
        field,
        `does not fit: the message may hold ${this.b.length} bytes`,
      );
    this.pos = at + n;
    return at;
  }

  private int(v: number, max: number, field: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max)
      throw this.err(Errno.EINVAL, field, `${v} is not an integer in [0, ${max}]`);
  }

  u8(v: number, field: string): this {
    this.int(v, 0xff, field);
    this.b[this.room(1, field)] = v;
    return this;
  }
  u16(v: number, field: string): this {
    this.int(v, 0xffff, field);
    this.v.setUint16(this.room(2, field), v, true);
    return this;
  }
  u32(v: number, field: string): this {
    this.int(v, 0xffffffff, field);
    this.v.setUint32(this.room(4, field), v, true);
    return this;
  }
  u64(v: number, field: string): this {
    this.int(v, Number.MAX_SAFE_INTEGER, field);
    const at = this.room(8, field);
    this.v.setUint32(at, v >>> 0, true);
    this.v.setUint32(at + 4, Math.floor(v / TWO32), true);
    return this;
  }
  u64big(v: bigint, field: string): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw this.err(Errno.EINVAL, field, `${v} is not a u64`);
    this.v.setBigUint64(this.room(8, field), v, true);
    return this;
  }
  str(s: string, field: string): this {
    // the length's field name is made only for the error it would carry
    const at = this.pos + 2 > this.b.length ? this.room(2, `${field}.len`) : this.pos;
    const n = utf8Write(s, this.b, at + 2, Math.min(this.b.length, at + 2 + 0xffff));
    if (n === -Errno.EILSEQ) throw this.err(Errno.EILSEQ, field, 'holds a lone UTF-16 surrogate');
    if (n < 0)
      throw at + 2 + 0xffff <= this.b.length
        ? this.err(Errno.ENAMETOOLONG, field, 'is longer than 65535 UTF-8 bytes')
        : this.err(
            Errno.EMSGSIZE,
            field,
            `does not fit: the message may hold ${this.b.length} bytes`,
          );
    this.v.setUint16(at, n, true);
    this.pos = at + 2 + n;
    return this;
  }
  qid(q: RkP9Qid, field: string): this {
    this.u8(q.type, `${field}.type`).u32(q.version, `${field}.version`);
    return this.u64big(q.path, `${field}.path`);
  }
  bytes(d: Uint8Array, field: string): this {
    this.b.set(d, this.room(d.length, field));
    return this;
  }
  /** Writes size[4]. @returns the finished message, a view of the buffer. */
  finish(): Uint8Array {
    this.v.setUint32(0, this.pos, true);
    return this.b.subarray(0, this.pos);
  }
}
