// Incremental RESP2 request parser with Redis 7's rules (networking.c processMultibulkBuffer and
// processInlineBuffer): "*N" multibulk or an inline line; bulk payloads are binary-safe and the two
// bytes after them are skipped unchecked, as Redis does; a protocol error carries Redis's text.
import { splitInlineArgs } from './inline';

/** Redis's PROTO_INLINE_MAX_SIZE: an inline line or a count line may not grow past this unterminated. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Redis's default proto-max-bulk-len. */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
const INT_MAX = 2_147_483_647;

/** One step of parsing: a command, a protocol error (reply, then close), or a need for more bytes. */
export type RespParse =
  | { readonly kind: 'command'; readonly argv: Uint8Array[] }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'more' };

const MORE: RespParse = { kind: 'more' };

/**
 * Parses commands out of a byte buffer the caller owns; `pos` is the first unparsed byte. A
 * command's arguments are views into that buffer, valid until the caller compacts or refills it.
 */
export class RespParser {
  pos = 0;
  private argc = 0;
  private argv: Uint8Array[] = [];
  private bulkLen = -1;
  /** argv[0, owned) are copies: a command split across reads must outlive the buffer's compaction. */
  private owned = 0;

  /** Parses the next command in `buf[pos, len)`. Empty commands (blank lines, *0) are skipped. */
  next(buf: Uint8Array, len: number): RespParse {
    for (;;) {
      if (this.argc === 0) {
        if (this.pos >= len) return MORE;
        const r = buf[this.pos] === 0x2a ? this.count(buf, len) : this.inline(buf, len);
        if (r !== null) return r;
        if (this.argc === 0) continue;
      }
      return this.bulks(buf, len);
    }
  }

  /** Drops `n` bytes the caller removed from the buffer's front. */
  shift(n: number): void {
    this.pos -= n;
  }

  private inline(buf: Uint8Array, len: number): RespParse | null {
    const at = buf.subarray(this.pos, len).indexOf(0x0a);
    const nl = this.pos + at;
    if (at < 0)
      return len - this.pos > PROTO_INLINE_MAX_SIZE
        ? { kind: 'error', message: 'Protocol error: too big inline request' }
        : MORE;
    const end = nl > this.pos && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    const args = splitInlineArgs(buf.subarray(this.pos, end));
    this.pos = nl + 1;
    if (args === null)
      return { kind: 'error', message: 'Protocol error: unbalanced quotes in request' };
    return args.length === 0 ? null : { kind: 'command', argv: args };
  }

  /** Reads "*N\r\n"; null when it set up N bulks or skipped an empty command. */
  private count(buf: Uint8Array, len: number): RespParse | null {
    const cr = this.line(buf, len, 'too big mbulk count string');
    if (typeof cr !== 'number') return cr;
    const n = string2ll(buf, this.pos + 1, cr);
    this.pos = cr + 2;
    if (Number.isNaN(n) || n > INT_MAX)
      return { kind: 'error', message: 'Protocol error: invalid multibulk length' };
    this.argc = Math.max(n, 0);
    this.argv = [];
    this.owned = 0;
    return null;
  }

  /** Reads bulks until the command is whole. @returns the command, MORE or a protocol error. */
  private bulks(buf: Uint8Array, len: number): RespParse {
    while (this.argv.length < this.argc) {
      if (this.bulkLen < 0) {
        const cr = this.line(buf, len, 'too big bulk count string');
        if (cr === MORE) return this.keep();
        if (typeof cr !== 'number') return cr;
        const c = buf[this.pos];
        if (c !== 0x24)
          return {
            kind: 'error',
            message: `Protocol error: expected '$', got '${String.fromCharCode(c)}'`,
          };
        const n = string2ll(buf, this.pos + 1, cr);
        this.pos = cr + 2;
        if (Number.isNaN(n) || n < 0 || n > PROTO_MAX_BULK_LEN)
          return { kind: 'error', message: 'Protocol error: invalid bulk length' };
        this.bulkLen = n;
      }
      if (len - this.pos < this.bulkLen + 2) return this.keep();
      // a view, not a copy: commands run before the caller moves or reuses the buffer
      this.argv.push(buf.subarray(this.pos, this.pos + this.bulkLen));
      this.pos += this.bulkLen + 2;
      this.bulkLen = -1;
    }
    const argv = this.argv;
    this.argc = 0;
    this.argv = [];
    this.owned = 0;
    return { kind: 'command', argv };
  }

  /** Copies the arguments parsed so far (views into the buffer) before waiting for more bytes. */
  private keep(): RespParse {
    for (; this.owned < this.argv.length; this.owned++)
      this.argv[this.owned] = this.argv[this.owned].slice();
    return MORE;
  }

  /** The index of the '\r' ending the line at pos once its '\n' arrived; else MORE or the too-big error. */
  private line(buf: Uint8Array, len: number, tooBig: string): number | RespParse {
    // bytes past len are stale: a '\r' found there means none in [pos, len)
    const cr = buf.indexOf(0x0d, this.pos);
    if (cr < 0 || cr >= len)
      return len - this.pos > PROTO_INLINE_MAX_SIZE
        ? { kind: 'error', message: `Protocol error: ${tooBig}` }
        : MORE;
    return cr + 1 < len ? cr : MORE;
  }
}

/** Redis's string2ll over bytes [from, to): an optional '-', digits without leading zeros. NaN if invalid. */
export function string2ll(buf: Uint8Array, from: number, to: number): number {
  if (from >= to || to - from > 20) return Number.NaN;
  let i = from;
  const neg = buf[i] === 0x2d;
  if (neg) i++;
  if (i >= to || buf[i] < 0x30 || buf[i] > 0x39 || (buf[i] === 0x30 && (neg || to - i > 1)))
    return Number.NaN;
  let v = 0;
  for (; i < to; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}
