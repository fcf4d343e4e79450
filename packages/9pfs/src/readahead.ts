// cache=loose read-ahead (Linux's v9fs reads a cache=loose file through the page cache, which reads
// ahead on sequential access): a sequential read smaller than one message fetches a whole message's
// worth, and the reads that follow are answered from it without a request — synchronously, so the
// calling thread (or a wasm program through libc-shim) does not park. A small read that is not
// sequential fetches its whole 4 KiB page, as a page cache would (SQLite reads 16 bytes of its
// header at every transaction). A write through this mount is copied into the window it overlaps
// (one that ends the file is dropped when the write goes past its end), so a file's window
// survives its own writes; any other change
// through this mount drops every window (the fs's change counter); changes by other clients are not
// seen, as loose says.
//
// A reader that keeps going sequentially gets windows that double, as Linux's readahead ramps up, to
// MAX_MESSAGES messages (sent as one batch, io.ts): each miss parks the reader and runs the whole
// request path, so a booted SQLite `.read` of a 3 MB script missed 24 times per run with one-message
// windows and 6 with four. The buffer of a window that is replaced is kept for the next fetch, so a
// sequential reader allocates (and the engine zeroes) no new window buffer in steady state.

/** Most messages one read-ahead fetch asks for (one rk9p batch). */
export const MAX_MESSAGES = 4;
/** The page a small read that is not sequential fetches whole. */
export const PAGE = 4096;
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
  /** The size this window's fetch asked for (0: no fetch yet), which the next one doubles. */
  want: number;
}

/** Inodes whose windows are kept (an LRU: sequential readers of more files fetch again). */
const KEPT = 8;

export class P9ReadAhead {
  private readonly windows = new Map<number, Window>();
  /** The buffer of the last window dropped, for the next fetch (no window refers to it). */
  private spare: ArrayBuffer | null = null;
  /** Writes seen (a fetch that a write overtook is not kept: it may predate the write). */
  writes = 0;

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

  /**
   * Where and how much to fetch for a missed read of `len` bytes at `off`: for a small sequential
   * read a window of one message (`message` bytes) at first, then twice the last one up to
   * MAX_MESSAGES; for a small read inside one page, that page; else the read itself.
   */
  plan(ino: number, len: number, off: number, message: number): { at: number; want: number } {
    const w = this.windows.get(ino);
    const sequential = w ? off === w.next : off === 0;
    if (sequential && len < message) {
      const last = w ? w.want : 0;
      return { at: off, want: Math.min(MAX_MESSAGES * message, Math.max(message, 2 * last)) };
    }
    const page = off - (off % PAGE);
    if (len < PAGE && off + len <= page + PAGE && PAGE <= message) return { at: page, want: PAGE };
    return { at: off, want: len };
  }

  /**
   * A write of `data` at `off` of inode `ino` through this mount: the part inside its window is
   * copied into it; a window that ends the file is dropped when the write reaches past that end.
   */
  wrote(ino: number, data: Uint8Array, off: number): void {
    this.writes++;
    const w = this.windows.get(ino);
    if (!w || w.data.length === 0) return;
    const end = w.at + w.data.length;
    if (w.eof && off + data.length > end) {
      this.drop(ino);
      return;
    }
    const from = Math.max(off, w.at);
    const to = Math.min(off + data.length, end);
    if (from < to) w.data.set(data.subarray(from - off, to - off), from - w.at);
  }

  /** Drops inode `ino`'s window (its data is no longer known), and any fetch on its way. */
  forget(ino: number): void {
    this.writes++;
    this.drop(ino);
  }

  /** A buffer of `want` bytes for a fetch: the spare one when it is large enough. */
  buffer(want: number): Uint8Array {
    const s = this.spare;
    if (s !== null && s.byteLength >= want) {
      this.spare = null;
      return new Uint8Array(s, 0, want);
    }
    return new Uint8Array(want);
  }

  /**
   * Keeps `got` bytes fetched at `off` (if no change began since `changes`, the counter then, and
   * no write since `writes`, this.writes then).
   */
  keep(
    ino: number,
    data: Uint8Array,
    off: number,
    want: number,
    changes: number,
    now: number,
    writes: number,
  ) {
    this.drop(ino);
    if (changes !== now || writes !== this.writes) {
      this.recycle(data.buffer as ArrayBuffer);
      return;
    }
    this.windows.set(ino, { at: off, data, eof: data.length < want, changes, next: off, want });
    if (this.windows.size > KEPT) this.drop(this.windows.keys().next().value!);
  }

  /** Removes inode `ino`'s window, keeping its buffer as the spare. */
  private drop(ino: number): void {
    const w = this.windows.get(ino);
    if (!w) return;
    this.windows.delete(ino);
    this.recycle(w.data.buffer as ArrayBuffer);
  }

  /** Keeps `b` (no window refers to it any more) as the spare if it is larger than the one kept. */
  private recycle(b: ArrayBuffer): void {
    if (this.spare === null || b.byteLength > this.spare.byteLength) this.spare = b;
  }

  /** Notes where a read that went to the server ended (sequential detection). */
  passed(ino: number, end: number): void {
    const w = this.windows.get(ino);
    if (w) w.next = end;
    else
      this.windows.set(ino, {
        at: 0,
        data: new Uint8Array(0),
        eof: false,
        changes: -1,
        next: end,
        want: 0,
      });
    if (this.windows.size > KEPT) this.drop(this.windows.keys().next().value!);
  }

  /** Drops every window (unmount). */
  clear(): void {
    this.windows.clear();
    this.spare = null;
  }
}
