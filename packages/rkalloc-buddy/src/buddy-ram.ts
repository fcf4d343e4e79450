// The buddy free lists, kept in guest RAM: each free block's first page holds (next, prev) page links;
// the page kind table marks free block heads with FREE_HEAD + order, which is what a buddy lookup
// checks. addRange carves a region into ~2 log2(n) aligned blocks, so initialisation is O(log n).
import type { PageKinds } from './kinds';
import { type BuddyPageLists, BUDDY_MAX_ORDER as MAX_ORDER } from './order';

const NIL = 0xffff_ffff;
/** kind value of a free block head: FREE_HEAD + order. */
export const FREE_HEAD = 128;

/** Buddy free lists as links inside the free blocks (the default of `BuddyBackend`). */
export class BuddyPagesRam implements BuddyPageLists {
  private readonly heads = new Uint32Array(MAX_ORDER + 1).fill(NIL);
  freePages = 0;
  constructor(
    private readonly m: Uint32Array,
    private readonly kinds: PageKinds,
  ) {}

  private push(p: number, k: number): void {
    const i = p << 10;
    const head = this.heads[k];
    this.m[i] = head;
    this.m[i + 1] = NIL;
    if (head !== NIL) this.m[(head << 10) + 1] = p;
    this.heads[k] = p;
    this.kinds.set(p, FREE_HEAD + k);
  }

  private unlink(p: number, k: number): void {
    const i = p << 10;
    const next = this.m[i];
    const prev = this.m[i + 1];
    if (next !== NIL) this.m[(next << 10) + 1] = prev;
    if (prev !== NIL) this.m[prev << 10] = next;
    else this.heads[k] = next;
    this.kinds.set(p, 0);
  }

  addRange(start: number, end: number): void {
    while (start < end) {
      let k = start === 0 ? MAX_ORDER : Math.min(MAX_ORDER, 31 - Math.clz32(start & -start));
      while (start + 2 ** k > end) k--;
      this.release(start, k);
      start += 2 ** k;
    }
  }

  alloc(order: number): number {
    for (let k = order; k <= MAX_ORDER; k++) {
      const p = this.heads[k];
      if (p === NIL) continue;
      this.unlink(p, k);
      while (k > order) {
        k--;
        this.push(p + 2 ** k, k);
      }
      this.freePages -= 2 ** order;
      return p;
    }
    return -1;
  }

  release(p: number, order: number): void {
    this.freePages += 2 ** order;
    while (order < MAX_ORDER) {
      const buddy = p ^ (2 ** order);
      if (this.kinds.get(buddy) !== FREE_HEAD + order) break;
      this.unlink(buddy, order);
      p = Math.min(p, buddy);
      order++;
    }
    this.push(p, order);
  }

  maxOrder(): number {
    for (let k = MAX_ORDER; k >= 0; k--) if (this.heads[k] !== NIL) return k;
    return -1;
  }
}
