import { createRkAlloc } from '@runikraft/rkalloc/impl';
import { describe, expect, it } from 'vitest';
import { BuddyPagesJs, createBuddyJsBackend } from '../src/alloc/buddy-js';
import { benchPhys } from '../src/alloc/subjects';

describe('buddy-js (bench-only JS-Set free lists)', () => {
  it('carves a region into few aligned blocks and merges everything back', () => {
    const b = new BuddyPagesJs();
    b.addRange(3, 1000);
    expect(b.freePages).toBe(997);
    const got: number[] = [];
    for (let p = b.alloc(0); p >= 0; p = b.alloc(0)) got.push(p);
    expect(new Set(got).size).toBe(997);
    for (const p of got) b.release(p, 0);
    expect(b.freePages).toBe(997);
    expect(b.maxOrder()).toBe(8); // [256, 512) and [512, 768) merged into aligned 256-page blocks
  });
  it('drives the rkalloc-buddy backend: pages and slab objects come back on free', () => {
    const phys = benchPhys(4 << 20);
    const a = createRkAlloc(createBuddyJsBackend(phys, phys.base + 4096, 2 << 20), phys);
    const start = a.availmem();
    const p = a.palloc(3);
    const q = a.malloc(100);
    expect(p % (4 * 4096)).toBe(0);
    expect(q).not.toBe(0);
    a.pfree(p, 3);
    a.free(q);
    expect(a.availmem()).toBe(start);
  });
});
