import { RkError } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { createTestPhys } from '../src/conformance';
import { createRkAlloc } from '../src/front';
import { allocArray, copyIn, copyOut, memmove, memset, memzero, viewAt } from '../src/typed';
import { FirstFitBackend } from './fixtures/firstfit';

const phys = createTestPhys(1 << 20);
const a = createRkAlloc(new FirstFitBackend(phys.base, 0x8_0000), phys);

describe('typed helpers', () => {
  it('allocArray gives a zeroed view over the allocation', () => {
    const t = allocArray(a, Float64Array, 16)!;
    expect(t.array.length).toBe(16);
    expect([...t.array].every((x) => x === 0)).toBe(true);
    t.array[3] = 1.5;
    expect(phys.view.getFloat64(t.ptr - phys.base + 24, true)).toBe(1.5);
    expect(allocArray(a, Uint8Array, 1 << 30)).toBeNull();
  });
  it('viewAt rejects misaligned and out-of-RAM views', () => {
    expect(() => viewAt(phys, Uint32Array, phys.base + 2, 1)).toThrow(
      /^EFAULT: rkalloc: 0x80000002 is not 4-byte aligned/,
    );
    expect(() => viewAt(phys, Uint32Array, phys.base + 2, 1)).toThrow(RkError);
    expect(() => viewAt(phys, Uint8Array, phys.base + phys.size - 1, 2)).toThrow(
      /outside guest RAM/,
    );
  });
  it('memset, memzero, memmove (overlapping), copyIn and copyOut', () => {
    const p = a.malloc(64);
    copyIn(phys, p, Uint8Array.from([1, 2, 3, 4, 5]));
    memmove(phys, p + 1, p, 4);
    expect([...copyOut(phys, p, 5)]).toEqual([1, 1, 2, 3, 4]);
    memset(phys, p, 7, 3);
    memzero(phys, p + 3, 2);
    expect([...copyOut(phys, p, 5)]).toEqual([7, 7, 7, 0, 0]);
  });
});
