import { describe, expect, it } from 'vitest';
import { BuddyPagesRam } from '../src/buddy-ram';
import { PageKinds } from '../src/kinds';
import { orderFor } from '../src/order';

const make = () => new BuddyPagesRam(new Uint32Array((64 << 20) >>> 2), new PageKinds(1 << 14));

describe('buddy pages (free lists in guest RAM)', () => {
  it('carves a region into few aligned blocks and merges everything back', () => {
    const b = make();
    b.addRange(3, 1000);
    expect(b.freePages).toBe(997);
    const got: [number, number][] = [];
    for (;;) {
      const p = b.alloc(0);
      if (p < 0) break;
      got.push([p, 0]);
    }
    expect(got.length).toBe(997);
    expect(new Set(got.map((g) => g[0])).size).toBe(997);
    for (const [p] of got) b.release(p, 0);
    expect(b.freePages).toBe(997);
    expect(b.maxOrder()).toBe(8); // [256, 512) and [512, 768) merged into aligned 256-page blocks
  });
  it('returns naturally aligned blocks and splits larger ones', () => {
    const b = make();
    b.addRange(0, 64);
    const p = b.alloc(3);
    expect(p % 8).toBe(0);
    const q = b.alloc(0);
    expect(q).not.toBe(p);
    b.release(p, 3);
    b.release(q, 0);
    expect(b.maxOrder()).toBe(6);
  });
});

describe('orderFor', () => {
  it('rounds page counts up to a power of two', () => {
    expect([1, 2, 3, 4, 5, 8, 9].map(orderFor)).toEqual([0, 1, 2, 2, 3, 3, 4]);
  });
});
