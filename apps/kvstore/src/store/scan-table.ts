// Key buckets for SCAN with Redis's reverse-binary cursor (dict.c dictScan): the table doubles and
// halves with the key count, and a cursor walked this way returns every key that was present for
// the whole iteration at least once, across resizes, without the server keeping per-cursor state.

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

/** A set of keys in hash buckets. */
export class ScanTable {
  private buckets: Set<string>[] = Array.from({ length: MIN_SIZE }, () => new Set());
  private count = 0;

  add(key: string, hash: number): void {
    const b = this.buckets[hash & (this.buckets.length - 1)];
    if (b.has(key)) return;
    b.add(key);
    if (++this.count > this.buckets.length) this.resize(this.buckets.length * 2);
  }

  delete(key: string, hash: number): void {
    if (!this.buckets[hash & (this.buckets.length - 1)].delete(key)) return;
    if (--this.count < this.buckets.length / 8 && this.buckets.length > MIN_SIZE)
      this.resize(this.buckets.length / 2);
  }

  clear(): void {
    this.buckets = Array.from({ length: MIN_SIZE }, () => new Set());
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
      for (const k of this.buckets[v & mask]) {
        visit(k);
        seen++;
      }
      v = (v | ~mask) >>> 0;
      v = rev32((rev32(v) + 1) >>> 0);
    } while (v !== 0 && seen < count && --budget > 0);
    return v;
  }

  private resize(size: number): void {
    const next: Set<string>[] = Array.from({ length: size }, () => new Set());
    for (const b of this.buckets) for (const k of b) next[hashKey(k) & (size - 1)].add(k);
    this.buckets = next;
  }
}
