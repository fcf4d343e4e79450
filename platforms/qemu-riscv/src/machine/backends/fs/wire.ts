// 9P2000.L wire format, server side: bounds-checked decoding of T-messages and encoding of
// R-messages (little-endian; header size[4] type[1] tag[2]; s = len[2] + UTF-8; qid = 13 bytes).
// The guest client (packages/rk9p) has its own codec on purpose: each checks the other.

/** Message types (Linux include/net/9p/9p.h, `enum p9_msg_t`); R = T + 1. */
export const P9 = {
  Tlerror: 6,
  Rlerror: 7,
  Tstatfs: 8,
  Tlopen: 12,
  Tlcreate: 14,
  Tsymlink: 16,
  Tmknod: 18,
  Trename: 20,
  Treadlink: 22,
  Tgetattr: 24,
  Tsetattr: 26,
  Txattrwalk: 30,
  Txattrcreate: 32,
  Treaddir: 40,
  Tfsync: 50,
  Tlock: 52,
  Tgetlock: 54,
  Tlink: 70,
  Tmkdir: 72,
  Trenameat: 74,
  Tunlinkat: 76,
  Tversion: 100,
  Tauth: 102,
  Tattach: 104,
  Tflush: 108,
  Twalk: 110,
  Tread: 116,
  Twrite: 118,
  Tclunk: 120,
  Tremove: 122,
} as const;

export const NOTAG = 0xffff;
export const NOFID = 0xffffffff;
/** Header of Rread/Twrite-sized messages (size, type, tag, fid, offset, count): QEMU's P9_IOHDRSZ. */
export const P9_IOHDRSZ = 24;
/** At most this many names in one Twalk (Plan 9's MAXWELEM, enforced by QEMU and Linux). */
export const P9_MAXWELEM = 16;
export const QID_TYPE_DIR = 0x80;
export const QID_TYPE_SYMLINK = 0x02;

export interface Qid {
  type: number;
  version: number;
  /** The 64-bit path as a bigint (host inode numbers exceed 2^53 on some file systems). */
  path: bigint;
}

/** A guest message that cannot be decoded: the field and why. */
export class P9DecodeError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`9p: ${field}: ${reason}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Enc = new TextEncoder();

/**
 * `n` bytes at `at` as a string when they are all ASCII (file names nearly always are): no
 * TextDecoder call, which costs more than the name for a short one. @returns null otherwise.
 */
function asciiAt(b: Uint8Array, at: number, n: number): string | null {
  if (n > 64) return null;
  let s = '';
  for (let i = at; i < at + n; i++) {
    const c = b[i]!;
    if (c >= 0x80) return null;
    s += String.fromCharCode(c);
  }
  return s;
}

/** The DataView of the last buffer read from: messages arrive in one buffer (guest RAM) again and again. */
let lastBuffer: ArrayBufferLike | null = null;
let lastView: DataView | null = null;
function viewOf(buffer: ArrayBufferLike): DataView {
  if (buffer !== lastBuffer || !lastView) {
    lastView = new DataView(buffer);
    lastBuffer = buffer;
  }
  return lastView;
}

/** Reads fields of one message; every read checks the remaining length first. */
export class P9Reader {
  /** A view of msg's whole buffer (shared by the messages of one buffer) and msg's offset in it. */
  private readonly dv: DataView;
  private readonly base: number;
  off = 7;
  constructor(readonly msg: Uint8Array) {
    this.dv = viewOf(msg.buffer);
    this.base = msg.byteOffset;
  }
  private need(n: number, field: string): void {
    if (this.off + n > this.msg.length)
      throw new P9DecodeError(
        field,
        `needs ${n} bytes at offset ${this.off}, message has ${this.msg.length}`,
      );
  }
  u8(field: string): number {
    this.need(1, field);
    return this.msg[this.off++]!;
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.dv.getUint16(this.base + this.off, true);
    this.off += 2;
    return v;
  }
  u32(field: string): number {
    this.need(4, field);
    const v = this.dv.getUint32(this.base + this.off, true);
    this.off += 4;
    return v;
  }
  /** A u64 as a number; values above 2^53 are a decode error naming the field. */
  u64(field: string): number {
    this.need(8, field);
    const lo = this.dv.getUint32(this.base + this.off, true);
    const hi = this.dv.getUint32(this.base + this.off + 4, true);
    this.off += 8;
    if (hi >= 0x200000)
      throw new P9DecodeError(
        field,
        `value 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} exceeds 2^53`,
      );
    return hi * 0x100000000 + lo;
  }
  /** A u64 kept whole (setattr sizes and times, lock ranges). */
  u64big(field: string): bigint {
    this.need(8, field);
    const v = this.dv.getBigUint64(this.base + this.off, true);
    this.off += 8;
    return v;
  }
  str(field: string): string {
    // the length's field name is built only for the error (a string per name read otherwise)
    if (this.off + 2 > this.msg.length) this.need(2, `${field}.len`);
    const n = this.dv.getUint16(this.base + this.off, true);
    this.off += 2;
    this.need(n, field);
    const at = this.off;
    this.off += n;
    const s = asciiAt(this.msg, at, n);
    if (s !== null) return s;
    try {
      return utf8.decode(this.msg.subarray(at, at + n));
    } catch {
      throw new P9DecodeError(field, 'is not valid UTF-8');
    }
  }
  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const b = this.msg.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }
  /** Every byte must have been consumed (a longer message is as malformed as a shorter one). */
  end(): void {
    if (this.off !== this.msg.length)
      throw new P9DecodeError('size', `${this.msg.length - this.off} bytes after the last field`);
  }
}

/** Encodes one R-message into a buffer of fixed capacity (the negotiated msize). */
export class P9Writer {
  readonly buf: Uint8Array;
  private readonly dv: DataView;
  off = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
    this.dv = new DataView(this.buf.buffer);
  }
  /** Starts a reply: size is patched by finish(). */
  start(type: number, tag: number): this {
    this.off = 4;
    this.u8(type);
    this.u16(tag);
    return this;
  }
  room(): number {
    return this.buf.length - this.off;
  }
  private need(n: number): void {
    if (this.off + n > this.buf.length)
      throw new RangeError(`9p reply exceeds ${this.buf.length} bytes`);
  }
  u8(v: number): this {
    this.need(1);
    this.dv.setUint8(this.off++, v);
    return this;
  }
  u16(v: number): this {
    this.need(2);
    this.dv.setUint16(this.off, v, true);
    this.off += 2;
    return this;
  }
  u32(v: number): this {
    this.need(4);
    this.dv.setUint32(this.off, v >>> 0, true);
    this.off += 4;
    return this;
  }
  u64(v: number | bigint): this {
    this.need(8);
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) {
      // two halves: no BigInt made for an offset or a count
      this.dv.setUint32(this.off, v >>> 0, true);
      this.dv.setUint32(this.off + 4, Math.floor(v / 0x100000000), true);
    } else this.dv.setBigUint64(this.off, BigInt.asUintN(64, BigInt(v)), true);
    this.off += 8;
    return this;
  }
  str(s: string): this {
    const b = utf8Enc.encode(s);
    this.u16(b.length);
    return this.raw(b);
  }
  raw(b: Uint8Array): this {
    this.need(b.length);
    this.buf.set(b, this.off);
    this.off += b.length;
    return this;
  }
  qid(q: Qid): this {
    return this.u8(q.type).u32(q.version).u64(q.path);
  }
  /** Overwrites the u32 at `at` (a count known only after the data was written). */
  patchU32(at: number, v: number): void {
    this.dv.setUint32(at, v >>> 0, true);
  }
  /** Patches size[4]. @returns the message (a view of the writer's buffer, valid until the next start). */
  finish(): Uint8Array {
    this.dv.setUint32(0, this.off, true);
    return this.buf.subarray(0, this.off);
  }
}

/** Encoded length of a string field. */
export const strLen = (s: string): number => 2 + utf8Enc.encode(s).length;
