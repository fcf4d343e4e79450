// A byte ring over caller-provided storage (guest RAM in a booted stack): the send and receive
// buffers of a connection. Out-of-order data lands in place past the readable end (`writeAt`), so a
// received byte is copied once into the ring and once out to the application.

/** A fixed-capacity FIFO of bytes. */
export class RkTcpRing {
  private head = 0;
  private len = 0;

  constructor(readonly storage: Uint8Array) {}

  get capacity(): number {
    return this.storage.length;
  }
  /** Readable bytes. */
  get length(): number {
    return this.len;
  }
  /** Bytes that can still be appended. */
  get free(): number {
    return this.storage.length - this.len;
  }

  /** Appends as much of `src` as fits. @returns bytes taken. */
  write(src: Uint8Array): number {
    const n = Math.min(src.length, this.free);
    this.writeAt(0, src.subarray(0, n));
    this.len += n;
    return n;
  }

  /** Copies `src` to `off` bytes past the readable end without making it readable; clipped to capacity. */
  writeAt(off: number, src: Uint8Array): number {
    const cap = this.storage.length;
    const n = Math.max(0, Math.min(src.length, cap - this.len - off));
    if (n === 0) return 0;
    const at = (this.head + this.len + off) % cap;
    const first = Math.min(n, cap - at);
    this.storage.set(src.subarray(0, first), at);
    if (n > first) this.storage.set(src.subarray(first, n), 0);
    return n;
  }

  /** Makes `n` bytes written by writeAt readable. */
  commit(n: number): void {
    this.len = Math.min(this.storage.length, this.len + n);
  }

  /** Copies up to dst.length bytes starting `off` bytes into the readable data. @returns the count. */
  peek(off: number, dst: Uint8Array): number {
    const cap = this.storage.length;
    const n = Math.max(0, Math.min(dst.length, this.len - off));
    if (n === 0) return 0;
    const at = (this.head + off) % cap;
    const first = Math.min(n, cap - at);
    dst.set(this.storage.subarray(at, at + first), 0);
    if (n > first) dst.set(this.storage.subarray(0, n - first), first);
    return n;
  }

  /** Drops `n` readable bytes from the front. */
  consume(n: number): void {
    const k = Math.min(n, this.len);
    this.head = (this.head + k) % this.storage.length;
    this.len -= k;
  }

  /** Copies out and consumes up to dst.length bytes. @returns the count. */
  read(dst: Uint8Array): number {
    const n = this.peek(0, dst);
    this.consume(n);
    return n;
  }
}
