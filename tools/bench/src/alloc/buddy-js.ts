// The benchmark-only buddy variant `buddy-js`: rkalloc-buddy's backend with its page free lists in one
// JS Set per order instead of links in guest RAM, to measure where buddy metadata is faster.
import type { RkAllocBackend } from '@runikraft/rkalloc';
import { BUDDY_MAX_ORDER, BuddyBackend, type BuddyPageLists } from '@runikraft/rkalloc-buddy';

type RkPhysMem = ConstructorParameters<typeof BuddyBackend>[0];

/** Buddy free lists as a Set of block heads (page indices) per order. */
export class BuddyPagesJs implements BuddyPageLists {
  private readonly free: Set<number>[] = Array.from(
    { length: BUDDY_MAX_ORDER + 1 },
    () => new Set<number>(),
  );
  freePages = 0;

  addRange(start: number, end: number): void {
    while (start < end) {
      let k =
        start === 0 ? BUDDY_MAX_ORDER : Math.min(BUDDY_MAX_ORDER, 31 - Math.clz32(start & -start));
      while (start + 2 ** k > end) k--;
      this.release(start, k);
      start += 2 ** k;
    }
  }

  alloc(order: number): number {
    for (let k = order; k <= BUDDY_MAX_ORDER; k++) {
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

  release(p: number, order: number): void {
    this.freePages += 2 ** order;
    while (order < BUDDY_MAX_ORDER) {
      const buddy = p ^ (2 ** order);
      const set = this.free[order];
      if (!set.has(buddy)) break;
      set.delete(buddy);
      p = Math.min(p, buddy);
      order++;
    }
    this.free[order].add(p);
  }

  maxOrder(): number {
    for (let k = BUDDY_MAX_ORDER; k >= 0; k--) if (this.free[k].size > 0) return k;
    return -1;
  }
}

/** A buddy backend over [base, base+len) of `phys` whose page free lists are JS Sets. */
export function createBuddyJsBackend(phys: RkPhysMem, base: number, len: number): RkAllocBackend {
  return new BuddyBackend(phys, base, len, { pages: new BuddyPagesJs() });
}
