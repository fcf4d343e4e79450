// Buddy orders and the page-list interface the backend allocates pages from (Unikraft's
// lib/ukallocbbuddy keeps the same per-order free lists).

/** Highest order kept (2^20 pages = 4 GiB: a whole guest RAM fits one block). */
export const BUDDY_MAX_ORDER = 20;

/**
 * The buddy free lists over global page indices (page 0 = phys.base): what `BuddyBackend` allocates
 * pages from. The package's own implementation keeps them in guest RAM (buddy-ram.ts); tools/bench
 * plugs in a JS-Set variant through `BuddyBackend`'s `pages` option to measure the difference.
 */
export interface BuddyPageLists {
  /** Free pages in total. */
  readonly freePages: number;
  /** Adds pages [start, end) as free blocks, largest naturally aligned blocks first. */
  addRange(start: number, end: number): void;
  /** Allocates a block of 2^order pages; returns its first page or -1. */
  alloc(order: number): number;
  /** Frees a block of 2^order pages starting at page `p`, merging with free buddies. */
  release(p: number, order: number): void;
  /** The highest order with a free block, or -1. */
  maxOrder(): number;
}

/** The smallest order whose block holds `pages` pages. */
export function orderFor(pages: number): number {
  return pages <= 1 ? 0 : 32 - Math.clz32(pages - 1);
}
