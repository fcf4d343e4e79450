// The binary buddy page allocator (Unikraft's lib/ukallocbbuddy): free blocks of 2^k pages in one set
// per order. Initialisation carves each region into at most ~2 log2(n) aligned blocks, so it takes
// O(log n) time instead of touching every page as Unikraft's does.

/** Highest order kept (2^20 pages = 4 GiB: a whole guest RAM fits one block). */
export const MAX_ORDER = 20;

/** Buddy state over global page indices (page 0 = phys.base). */
export class BuddyPages {
  /** Free block heads per order. */
  private readonly free: Set<number>[] = Array.from(
    { length: MAX_ORDER + 1 },
    () => new Set<number>(),
  );
  freePages = 0;

  /** Adds pages [start, end) as free blocks, largest aligned blocks first. */
  addRange(start: number, end: number): void {
    while (start < end) {
      let k = start === 0 ? MAX_ORDER : Math.min(MAX_ORDER, 31 - Math.clz32(start & -start));
      while (start + 2 ** k > end) k--;
      this.release(start, k);
      start += 2 ** k;
    }
  }

  /** Allocates a block of 2^order pages; returns its first page or -1. */
  alloc(order: number): number {
    for (let k = order; k <= MAX_ORDER; k++) {
      const set = this.free[k];
      if (set.size === 0) continue;
      const p = set.values().next().value as number;
      set.delete(p);
      while (k > order) {
        k--;
        this.free[k].add(p + 2 ** k);
      }
      this.freePages -= 2 ** order;
      return p;
    }
    return -1;
  }

  /** Frees a block of 2^order pages starting at page `p`, merging with free buddies. */
  release(p: number, order: number): void {
    this.freePages += 2 ** order;
    while (order < MAX_ORDER) {
      const buddy = p ^ (2 ** order);
      const set = this.free[order];
      if (!set.has(buddy)) break;
      set.delete(buddy);
      p = Math.min(p, buddy);
      order++;
    }
    this.free[order].add(p);
  }

  /** The highest order with a free block, or -1. */
  maxOrder(): number {
    for (let k = MAX_ORDER; k >= 0; k--) if (this.free[k].size > 0) return k;
    return -1;
  }
}

/** The smallest order whose block holds `pages` pages. */
export function orderFor(pages: number): number {
  return pages <= 1 ? 0 : 32 - Math.clz32(pages - 1);
}
