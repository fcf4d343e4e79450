// Tag and fid numbers: lowest free first, the reserved number never, releases of numbers not in use
// ignored, and the count in use exact.
import { describe, expect, it } from 'vitest';
import { P9Ids } from '../src/tags';

describe('P9Ids', () => {
  it('hands out the lowest free number, skipping the reserved one, until the limit', () => {
    const ids = new P9Ids(5, 2);
    expect([ids.alloc(), ids.alloc(), ids.alloc(), ids.alloc(), ids.alloc()]).toEqual([
      0, 1, 3, 4, -1,
    ]);
    expect(ids.inUse).toBe(4);
    ids.release(3);
    ids.release(0);
    expect([ids.has(0), ids.has(1), ids.has(2), ids.has(3)]).toEqual([false, true, false, false]);
    expect(ids.alloc()).toBe(0);
    expect(ids.alloc()).toBe(3);
    expect(ids.alloc()).toBe(-1);
  });

  it('ignores releases of numbers not in use, twice-released ones included', () => {
    const ids = new P9Ids(0xffff, 0xffff);
    const a = ids.alloc();
    ids.release(a);
    ids.release(a);
    ids.release(7);
    ids.release(-1);
    ids.release(0xffff);
    expect(ids.inUse).toBe(0);
    expect([ids.has(a), ids.has(7), ids.has(-1), ids.has(1.5)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect([ids.alloc(), ids.alloc()]).toEqual([0, 1]);
    expect(ids.inUse).toBe(2);
  });
});
