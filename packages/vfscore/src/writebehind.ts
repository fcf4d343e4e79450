// Write-behind for file-system drivers (Linux's dirty page cache, in small): a driver copies a small
// write here and returns at once; the writes are merged with their neighbours into runs by offset,
// and the driver writes the runs out together (ext4: one allocation, extent insert and device
// request per run; 9pfs: one Twrite per msize) when it must — before the file is read, stat-ed,
// fsync'ed, closed or changed otherwise, and when the buffer is full. A program writing a file in
// small pieces (SQLite's 4 KiB pages) then never waits for the device or server in write(). Each
// driver documents when it flushes; fsync always writes the file's runs before it syncs.

/** Buffers kept for reuse at most, and the largest kept (bigger runs are rare and short-lived). */
const SPARE_KEEP = 8;
const SPARE_MAX = 256 << 10;
/** The smallest buffer a new run gets while no recycled one is at hand. */
const SPARE_MIN = 16 << 10;

/** One run of held bytes: `data[0, len)` belongs at `offset` of the file. */
export interface RkWriteBehindRun {
  offset: number;
  data: Uint8Array;
  len: number;
}

/** One file's held runs (sorted by offset, neither overlapping nor touching). */
export interface RkWriteBehindFile {
  runs: RkWriteBehindRun[];
  /** The flush of runs taken from this file, while it is on its way (readers wait for it). */
  flushing: Promise<number> | null;
  /** A flush's failure (-errno), reported by the file's next fsync or close, as Linux's AS_EIO. */
  error: number;
}

export class RkWriteBehind<K> {
  private readonly files = new Map<K, RkWriteBehindFile>();
  /** Bytes held in every file's runs. */
  bytes = 0;
  private runCount = 0;
  /** Run buffers given back by `recycle` (a new run takes one instead of a fresh allocation). */
  private readonly spare: Uint8Array[] = [];

  /**
   * @param maxBytes bytes held at most (the write that would pass it is not delayed)
   * @param maxRuns runs held at most, over every file (scattered writes gain little)
   */
  constructor(
    readonly maxBytes: number,
    readonly maxRuns: number,
  ) {}

  /** No file holds data. */
  get empty(): boolean {
    return this.runCount === 0;
  }

  file(key: K): RkWriteBehindFile | undefined {
    return this.files.get(key);
  }

  /** Blocks of `blockSize` the held runs may take once written (each run may straddle two more). */
  blocks(blockSize: number): number {
    return Math.ceil(this.bytes / blockSize) + 2 * this.runCount;
  }

  /**
   * Takes a copy of `buf` for `offset` of `key`'s file, merged with the runs it overlaps or touches
   * (later bytes win). @returns false, holding nothing new, when the buffer would pass its bounds.
   */
  add(key: K, buf: Uint8Array, offset: number): boolean {
    let f = this.files.get(key);
    const start = offset;
    const end = offset + buf.length;
    const runs = f?.runs ?? [];
    // the runs [lo, hi) overlap or touch [start, end]
    let lo = 0;
    while (lo < runs.length && runs[lo]!.offset + runs[lo]!.len < start) lo++;
    let hi = lo;
    while (hi < runs.length && runs[hi]!.offset <= end) hi++;
    const first = runs[lo];
    const from = hi > lo ? Math.min(start, first!.offset) : start;
    const to = hi > lo ? Math.max(end, runs[hi - 1]!.offset + runs[hi - 1]!.len) : end;
    let held = 0;
    for (let k = lo; k < hi; k++) held += runs[k]!.len;
    const grow = to - from - held;
    if (this.bytes + grow > this.maxBytes) return false;
    if (hi === lo && this.runCount + 1 > this.maxRuns) return false;
    if (!f) {
      f = { runs, flushing: null, error: 0 };
      this.files.set(key, f);
    }
    if (hi - lo === 1 && first!.offset === from && to - from <= first!.data.length) {
      // the common case: appending to (or rewriting inside) one run with room left
      first!.data.set(buf, start - from);
      first!.len = to - from;
    } else {
      const cap =
        hi - lo === 1 && first!.offset === from
          ? Math.max(to - from, first!.data.length * 2)
          : to - from;
      const data = this.buffer(Math.min(cap, Math.max(to - from, this.maxBytes)));
      for (let k = lo; k < hi; k++) {
        const r = runs[k]!;
        data.set(r.data.subarray(0, r.len), r.offset - from);
      }
      data.set(buf, start - from);
      runs.splice(lo, hi - lo, { offset: from, data, len: to - from });
      this.runCount += 1 - (hi - lo);
    }
    this.bytes += grow;
    return true;
  }

  /**
   * A buffer of at least `n` bytes: a recycled one that fits, else a new one of at least
   * SPARE_MIN bytes (a run that grows by small appends then needs no copy until it passes that).
   */
  private buffer(n: number): Uint8Array {
    const s = this.spare;
    for (let i = s.length - 1; i >= 0; i--)
      if (s[i]!.length >= n) {
        const b = s[i]!;
        s[i] = s[s.length - 1]!;
        s.pop();
        return b;
      }
    return new Uint8Array(Math.max(n, Math.min(SPARE_MIN, this.maxBytes)));
  }

  /**
   * Gives back the buffer of a run `take` returned, once the driver no longer reads it (its write
   * is done): the next new run reuses it. A driver that writes runs out in small, frequent flushes
   * (SQLite's journal and pages, every transaction) then allocates no buffer per run.
   */
  recycle(data: Uint8Array): void {
    if (this.spare.length < SPARE_KEEP && data.length <= SPARE_MAX) this.spare.push(data);
  }

  /** Removes and returns `key`'s runs (sorted by offset). */
  take(key: K): RkWriteBehindRun[] {
    const f = this.files.get(key);
    if (!f || f.runs.length === 0) return [];
    const runs = f.runs;
    f.runs = [];
    this.runCount -= runs.length;
    for (const r of runs) this.bytes -= r.len;
    return runs;
  }

  /** Every file with delayed runs, or a flush on its way. */
  keys(): K[] {
    return [...this.files.keys()];
  }

  /** Forgets `key` once it holds nothing (no runs, no flush, no error to report). */
  settle(key: K): void {
    const f = this.files.get(key);
    if (f && f.runs.length === 0 && !f.flushing && !f.error) this.files.delete(key);
  }
}
