// Key buckets for SCAN with Redis's reverse-binary cursor (dict.c dictScan): the table doubles and
// halves with the key count, and a cursor walked this way returns every key that was present for
// the whole iteration at least once, across resizes, without the server keeping per-cursor state.
// Buckets are chains through the entries themselves (no per-bucket objects: a few bytes per key).

const MIN_SIZE = 4;

/** FNV-1a over a byte string's chars. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const rev32 = (v: number): number => {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
};

/** What the table chains: a key, its hash, and the next entry of its bucket. */
export interface ScanLink {
  readonly key: string;
  readonly hash: number;
  next: ScanLink | null;
}

/** A set of entries in hash buckets. */
export class ScanTable<T extends ScanLink> {
  private buckets: (T | null)[] = new Array(MIN_SIZE).fill(null);
  private count = 0;

  /** Adds an entry that is not in the table. */
  add(e: T): void {
    const i = e.hash & (this.buckets.length - 1);
    e.next = this.buckets[i];
    this.buckets[i] = e;
    if (++this.count > this.buckets.length) this.resize(this.buckets.length * 2);
  }

  /** Removes an entry that is in the table. */
  delete(e: T): void {
    const i = e.hash & (this.buckets.length - 1);
    let p = this.buckets[i];
    if (p === e) this.buckets[i] = e.next as T | null;
    else {
      while (p !== null && p.next !== e) p = p.next as T | null;
      if (p === null) return;
      p.next = e.next;
    }
    e.next = null;
    if (--this.count < this.buckets.length / 8 && this.buckets.length > MIN_SIZE)
      this.resize(this.buckets.length / 2);
  }

  clear(): void {
    this.buckets = new Array(MIN_SIZE).fill(null);
    this.count = 0;
  }

  /**
   * Visits buckets from `cursor` until `count` keys were seen or 10 × count buckets were visited
   * (as Redis's scanGenericCommand bounds empty work). @returns the next cursor (0 when done).
   */
  scan(cursor: number, count: number, visit: (key: string) => void): number {
    const mask = this.buckets.length - 1;
    let v = cursor >>> 0;
    let seen = 0;
    let budget = count * 10;
    do {
      for (let e = this.buckets[v & mask]; e !== null; e = e.next as T | null) {
        visit(e.key);
        seen++;
      }
      v = (v | ~mask) >>> 0;
      v = rev32((rev32(v) + 1) >>> 0);
    } while (v !== 0 && seen < count && --budget > 0);
    return v;
  }

  private resize(size: number): void {
    const next: (T | null)[] = new Array(size).fill(null);
    for (let b of this.buckets)
      while (b !== null) {
        const after = b.next as T | null;
        const i = b.hash & (size - 1);
        b.next = next[i];
        next[i] = b;
        b = after;
      }
    this.buckets = next;
  }
}
