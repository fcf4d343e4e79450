// The strings block as libfdt builds it: names appended in first-use order, reused when already present
// anywhere as a NUL-terminated suffix (fdt_find_string_ searches every position, not only string starts).

import { utf8Encode } from './bytes';

/** Append-only strings block with libfdt's deduplication. */
export class StringTable {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly cache = new Map<string, number>();

  /** Offset of `name` (searching the block first, as libfdt does), appending it when absent. */
  add(name: string): number {
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit;
    const s = utf8Encode(name);
    let off = this.find(s);
    if (off < 0) {
      off = this.len;
      this.grow(s.length + 1);
      this.buf.set(s, this.len);
      this.buf[this.len + s.length] = 0;
      this.len += s.length + 1;
    }
    this.cache.set(name, off);
    return off;
  }

  private find(s: Uint8Array): number {
    const n = s.length + 1;
    outer: for (let p = 0; p + n <= this.len; p++) {
      for (let k = 0; k < s.length; k++) if (this.buf[p + k] !== s[k]) continue outer;
      if (this.buf[p + s.length] === 0) return p;
    }
    return -1;
  }

  private grow(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Size of the block in bytes. */
  get size(): number {
    return this.len;
  }

  /** The block's bytes (a copy). */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
