import { describe, expect, it } from 'vitest';
import { TinyBackend } from '../src/tiny';

const B = 0x8000_0000;

describe('tinyalloc', () => {
  it('bumps from top, reuses first fit with splitting, and compacts neighbours on free', () => {
    const t = new TinyBackend(B, 4096);
    const a = t.malloc(100);
    const b = t.malloc(100);
    const c = t.malloc(100);
    expect([a, b, c]).toEqual([B, B + 112, B + 224]);
    t.free(a);
    t.free(b); // a and b are compacted into one free block of 224 bytes
    const d = t.malloc(160); // first fit splits it: 160 used, 64 back on the free list
    expect(d).toBe(B);
    expect(t.availmem()).toBe(4096 - 336 + 64);
    t.free(c);
    t.free(d);
    expect(t.availmem()).toBe(4096);
    expect(t.maxalloc()).toBe(4096);
  });
  it('grows a free block that touches top in place and fails cleanly when full', () => {
    const t = new TinyBackend(B, 1024);
    const a = t.malloc(512);
    t.free(a);
    expect(t.malloc(1024)).toBe(B);
    expect(t.malloc(16)).toBe(0);
  });
});
