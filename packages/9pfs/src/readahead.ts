// cache=loose read-ahead (Linux's v9fs reads a cache=loose file through the page cache, which reads
// ahead on sequential access): a sequential read smaller than one message fetches a whole message's
// worth, and the reads that follow are answered from it without a request — synchronously, so the
// calling thread (or a wasm program through libc-shim) does not park. Any change through this mount
// drops every window (the fs's change counter); changes by other clients are not seen, as loose says.

/** What one inode's window holds. */
interface Window {
  /** File offset of data[0]. */
  at: number;
  data: Uint8Array;
  /** The fetch was short: the file ends at at + data.length. */
  eof: boolean;
  /** The fs's change counter when the fetch began (a change since makes the window stale). */
  changes: number;
  /** Where the last read ended, to tell sequential reads from random ones. */
  next: number;
}

/** Inodes whose windows are kept (an LRU: sequential readers of more files fetch again). */
const KEPT = 8;

export class P9ReadAhead {
  private readonly windows = new Map<number, Window>();

  /**
   * Copies the read from the window if it covers it. @returns bytes copied, or -1 for a miss.
   * `changes` is the fs's current change counter.
   */
  hit(ino: number, buf: Uint8Array, off: number, changes: number): number {
    const w = this.windows.get(ino);
    if (!w || w.changes !== changes || off < w.at) return -1;
    const end = w.at + w.data.length;
    // Every comparison is evaluated on every hit: one seen only at end of file (the read that
    // runs past it) would have no type feedback and deoptimise the optimised read path there.
    const past = off > end;
    const short = off + buf.length > end;
    const eof = w.eof;
    if (past || (short && !eof)) return -1;
    const n = Math.min(buf.length, end - off);
    buf.set(w.data.subarray(off - w.at, off - w.at + n));
    w.next = off + n;
    return n;
  }

  /** The size to fetch for a missed read: a window for a small sequential read, else the read itself. */
  size(ino: number, len: number, off: number, window: number): number {
    const w = this.windows.get(ino);
    const sequential = w ? off === w.next : off === 0;
    return sequential && len < window ? window : len;
  }

  /** Keeps `got` bytes fetched at `off` (if no change began since `changes`, the counter then). */
  keep(ino: number, data: Uint8Array, off: number, want: number, changes: number, now: number) {
    this.windows.delete(ino);
    if (changes !== now) return;
    this.windows.set(ino, { at: off, data, eof: data.length < want, changes, next: off });
    if (this.windows.size > KEPT) this.windows.delete(this.windows.keys().next().value!);
  }

  /** Notes where a read that went to the server ended (sequential detection). */
  passed(ino: number, end: number): void {
    const w = this.windows.get(ino);
    if (w) w.next = end;
    else
      this.windows.set(ino, { at: 0, data: new Uint8Array(0), eof: false, changes: -1, next: end });
    if (this.windows.size > KEPT) this.windows.delete(this.windows.keys().next().value!);
  }

  /** Drops every window (unmount). */
  clear(): void {
    this.windows.clear();
  }
}
