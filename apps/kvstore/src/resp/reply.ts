// RESP2 reply encoding into one growing byte buffer per batch of commands, so a pipelined batch
// goes out as one send. Strings are byte strings (latin1: one char per byte).

/** Collects replies; `take()` hands the bytes over and starts a new batch. */
export class RespWriter {
  private buf = new Uint8Array(4096);
  private len = 0;

  /** Bytes written since the last take. */
  get size(): number {
    return this.len;
  }

  /** "+<s>\r\n" */
  simple(s: string): void {
    this.ascii(`+${s}\r\n`);
  }

  /** "-<message>\r\n"; CR and LF inside the message become spaces, as Redis's addReplyError does. */
  error(message: string): void {
    this.ascii(`-${message.replace(/[\r\n]/g, ' ')}\r\n`);
  }

  /** ":<n>\r\n" */
  integer(n: number | bigint): void {
    this.ascii(`:${n}\r\n`);
  }

  /** "$<len>\r\n<bytes>\r\n", or the null bulk "$-1\r\n" for null. */
  bulk(bytes: Uint8Array | null) {
    if (bytes === null) return this.ascii('$-1\r\n');
    this.ascii(`$${bytes.length}\r\n`);
    this.raw(bytes);
    this.ascii('\r\n');
  }

  /** A bulk string from a byte string. */
  bulkString(s: string): void {
    this.ascii(`$${s.length}\r\n${s}\r\n`);
  }

  /** "*<n>\r\n", or the null array "*-1\r\n" for -1. */
  array(n: number): void {
    this.ascii(`*${n}\r\n`);
  }

  /** The replies written so far; the writer starts empty again. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    if (this.buf.length > 1 << 20) this.buf = new Uint8Array(4096);
    return out;
  }

  private ascii(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  /** Appends bytes as they are. */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}
