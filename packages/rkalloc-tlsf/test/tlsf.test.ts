import { RkAllocViolation } from '@runikraft/rkalloc';
import { createTestPhys } from '@runikraft/rkalloc/conformance';
import { describe, expect, it } from 'vitest';
import { createTlsfAlloc } from '../src/index';

describe('tlsf without hardening', () => {
  it('rejects a double free, so the next two malloc(100) are distinct (issue 8)', () => {
    const phys = createTestPhys(1 << 20);
    const a = createTlsfAlloc(phys, phys.base + 4096, 512 << 10);
    const before = a.malloc(100);
    const p = a.malloc(100);
    const after = a.malloc(100);
    a.free(p);
    const avail = a.availmem();
    expect(() => a.free(p)).toThrow(RkAllocViolation);
    expect(() => a.free(p)).toThrow(
      /double-free at block 0x[0-9a-f]{8}: free of a block that is free/,
    );
    expect(a.availmem()).toBe(avail);
    const x = a.malloc(100);
    const y = a.malloc(100);
    expect(x).not.toBe(y);
    expect([before, after]).not.toContain(x);
    for (const q of [before, after, x, y]) a.free(q);
    expect(a.stats().curNbAllocs).toBe(0);
  });
  it('rejects a stale pointer whose block merged into its free neighbour', () => {
    const phys = createTestPhys(1 << 20);
    const a = createTlsfAlloc(phys, phys.base + 4096, 512 << 10);
    const p = a.malloc(64);
    const q = a.malloc(64);
    a.malloc(64);
    a.free(p);
    a.free(q); // q merges into p's free block; its old header is stale
    expect(() => a.free(q)).toThrow(/invalid-free at block/);
    expect(a.malloc(120)).toBe(p); // the merged 160-byte block is whole and reusable
  });
});
