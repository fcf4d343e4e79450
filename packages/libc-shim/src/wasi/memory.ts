// The program's linear memory as the imports see it. Views are rebuilt when memory.grow replaced
// the buffer: refresh() is called on entry to every import (the program cannot grow its memory while
// an import runs or while it is suspended), so the accessors use the views without asking the engine. Every guest pointer is bounds-checked: a bad one is EFAULT for that call, never an
// access outside the program's memory (JS typed arrays would throw RangeError or read nothing).

export class WasiFault extends Error {
  constructor(what: string, ptr: number, len: number, size: number) {
    super(`${what}: [${ptr}, ${ptr + len}) is outside linear memory (${size} bytes)`);
  }
}

// Made on first use: in a guest realm rkboot installs TextEncoder/TextDecoder when the image
// boots, after this module was evaluated.
let utf8: InstanceType<typeof TextDecoder> | undefined;
let utf8enc: InstanceType<typeof TextEncoder> | undefined;
// Not fatal mode: the guest's TextDecoder (rkboot) has none; invalid input is caught by re-encoding.
const decoder = (): InstanceType<typeof TextDecoder> => (utf8 ??= new TextDecoder('utf-8'));
const encoder = (): InstanceType<typeof TextEncoder> => (utf8enc ??= new TextEncoder());

export class LinearMemory {
  private buf: ArrayBuffer | null = null;
  /** A shared memory's buffer is not detached by grow: asked of the engine every time. */
  private shared = false;
  private u8v = new Uint8Array(0);
  private dv = new DataView(new ArrayBuffer(0));

  /** `grew(bytes)` is told the new size whenever refresh() finds the memory grown. */
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly grew?: (bytes: number) => void,
  ) {
    this.refresh();
  }

  /** The views as of the last refresh(). */
  get u8(): Uint8Array {
    return this.u8v;
  }
  get view(): DataView {
    return this.dv;
  }
  /** Rebuilds the views if memory.grow replaced the buffer (call on entry to each import). */
  refresh(): void {
    // memory.grow detaches the old buffer (its byteLength becomes 0), so a buffer that still has
    // bytes is current: checked without the `buffer` getter, a call into the engine on every import.
    if (this.buf !== null && this.buf.byteLength !== 0 && !this.shared) return;
    const b = this.memory.buffer as ArrayBuffer;
    if (b !== this.buf) {
      this.buf = b;
      this.shared = Object.prototype.toString.call(b) === '[object SharedArrayBuffer]';
      this.u8v = new Uint8Array(b);
      this.dv = new DataView(b);
      this.grew?.(b.byteLength);
    }
  }

  /** Throws {@link WasiFault} unless [ptr, ptr+len) lies inside the memory. */
  check(ptr: number, len: number, what: string): void {
    const size = this.u8v.length;
    if (ptr < 0 || len < 0 || ptr + len > size) throw new WasiFault(what, ptr, len, size);
  }
  /** A view of [ptr, ptr+len) (no copy). */
  bytes(ptr: number, len: number, what = 'buffer'): Uint8Array {
    this.check(ptr >>> 0, len >>> 0, what);
    return this.u8v.subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0));
  }
  /** A UTF-8 string at [ptr, ptr+len); invalid UTF-8 is EILSEQ-worthy, reported as a fault. */
  string(ptr: number, len: number, what = 'path'): string | null {
    const b = this.bytes(ptr, len, what);
    const s = decoder().decode(b);
    if (!s.includes('\uFFFD')) return s;
    // U+FFFD is either in the input or stands for bytes that are not UTF-8.
    const back = encoder().encode(s);
    return back.length === b.length && back.every((x: number, i: number) => x === b[i]) ? s : null;
  }
  u32(ptr: number): number {
    this.check(ptr, 4, 'u32');
    return this.dv.getUint32(ptr, true);
  }
  setU8(ptr: number, v: number): void {
    this.check(ptr, 1, 'u8');
    this.dv.setUint8(ptr, v);
  }
  setU16(ptr: number, v: number): void {
    this.check(ptr, 2, 'u16');
    this.dv.setUint16(ptr, v, true);
  }
  setU32(ptr: number, v: number): void {
    this.check(ptr, 4, 'u32');
    this.dv.setUint32(ptr, v >>> 0, true);
  }
  setU64(ptr: number, v: number | bigint): void {
    this.check(ptr, 8, 'u64');
    if (typeof v === 'bigint') {
      this.dv.setBigUint64(ptr, v, true);
      return;
    }
    // Two 32-bit stores: no BigInt allocated for a number (a count, an offset, a time in ns).
    const n = v > 0 ? v : 0;
    this.dv.setUint32(ptr, n >>> 0, true);
    this.dv.setUint32(ptr + 4, (n / 4294967296) >>> 0, true);
  }
  /** The iovec array at [iovs, iovs + 8n) as views into memory. */
  iovecs(iovs: number, n: number): Uint8Array[] {
    this.check(iovs, n * 8, 'iovec array');
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const p = this.dv.getUint32(iovs + i * 8, true);
      const l = this.dv.getUint32(iovs + i * 8 + 4, true);
      out.push(this.bytes(p, l, `iovec ${i}`));
    }
    return out;
  }
  /** Writes `s` NUL-terminated at `ptr`; returns the bytes written. */
  writeCString(ptr: number, s: string): number {
    const b = encoder().encode(s);
    this.check(ptr, b.length + 1, 'string buffer');
    this.u8v.set(b, ptr);
    this.u8v[ptr + b.length] = 0;
    return b.length + 1;
  }
}

export const encodeUtf8 = (s: string): Uint8Array => encoder().encode(s);
