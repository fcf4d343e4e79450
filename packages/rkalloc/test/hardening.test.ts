import { describe, expect, it } from 'vitest';
import { createTestPhys } from '../src/conformance';
import { fillBytes } from '../src/fill';
import { createRkAlloc } from '../src/front';
import { RK_POISON_BYTE, RkAllocViolation } from '../src/hardening';
import { FirstFitBackend } from './fixtures/firstfit';

const phys = createTestPhys(1 << 20);
const hardened = (seed: number, quarantine = 4, randomize = true) =>
  createRkAlloc(new FirstFitBackend(phys.base, 0x8_0000), phys, {
    name: 'ff',
    harden: { seed, quarantine, randomize },
  });

describe('hardening', () => {
  it('poisons freed memory and holds it in quarantine before reuse', () => {
    const a = hardened(1, 4, false);
    const p = a.malloc(64);
    a.free(p);
    expect(
      [...phys.u8.subarray(p - phys.base, p - phys.base + 64)].every((b) => b === RK_POISON_BYTE),
    ).toBe(true);
    const q = a.malloc(64);
    expect(q).not.toBe(p);
  });
  it('names allocator, violation and block in the message', () => {
    const a = hardened(2);
    const p = a.malloc(16);
    a.free(p);
    try {
      a.free(p);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RkAllocViolation);
      expect((e as Error).message).toBe(
        `EFAULT: rkalloc(ff): double-free at block 0x${p.toString(16).padStart(8, '0')}: free of a block that was already freed`,
      );
    }
  });
  it('detects a write after free when the quarantined block is evicted', () => {
    const a = hardened(3, 2, false);
    const p = a.malloc(100);
    a.free(p);
    phys.u8[p - phys.base + 7] = 0;
    a.free(a.malloc(8));
    expect(() => a.free(a.malloc(8))).toThrow(
      /use-after-free at block .*written at offset 7 after free/,
    );
  });
  it('randomises placement by seed', () => {
    const place = (seed: number) => {
      const a = hardened(seed);
      return Array.from({ length: 8 }, () => a.malloc(32) - phys.base);
    };
    expect(place(5)).toEqual(place(5));
    expect(place(5)).not.toEqual(place(6));
  });
  it('fillBytes fills exactly the range at any alignment', () => {
    for (const [off, len] of [
      [3, 200],
      [8, 64],
      [13, 1],
      [1000, 999],
    ]) {
      phys.u8.fill(1, 0, 4096);
      fillBytes(phys.u8, off, len, 9);
      expect(phys.u8[off - 1]).toBe(1);
      expect(phys.u8[off + len]).toBe(1);
      expect(phys.u8.subarray(off, off + len).every((b) => b === 9)).toBe(true);
    }
  });
});
