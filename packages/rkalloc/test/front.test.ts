import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { createTestPhys } from '../src/conformance';
import { createRkAlloc } from '../src/front';
import { RkAllocViolation } from '../src/hardening/violation';
import { FirstFitBackend } from './fixtures/firstfit';

const phys = createTestPhys(1 << 20);
const fresh = (harden = false) =>
  createRkAlloc(new FirstFitBackend(phys.base + 0x1000, 0x8_0000), phys, {
    harden: harden ? { seed: 3 } : false,
  });

describe('front end', () => {
  it('calloc zeroes and rejects overflowing products', () => {
    const a = fresh();
    phys.u8.fill(0xee);
    const p = a.calloc(10, 30);
    expect([...phys.u8.subarray(p - phys.base, p - phys.base + 300)].every((b) => b === 0)).toBe(
      true,
    );
    expect(a.calloc(2 ** 20, 2 ** 20)).toBe(0);
    expect(a.stats().nbEnomem).toBe(1);
  });
  it('emulates memalign on a backend without one and frees the aligned pointer', () => {
    const a = fresh();
    const start = a.availmem();
    const p = a.memalign(4096, 100);
    expect(p % 4096).toBe(0);
    expect(a.usableSize(p)).toBeGreaterThanOrEqual(100);
    a.free(p);
    expect(a.availmem()).toBe(start);
  });
  it('posix_memalign reports EINVAL and ENOMEM as errno values', () => {
    const a = fresh();
    expect(a.posixMemalign(3, 8)).toEqual({ err: -Errno.EINVAL, ptr: 0 });
    expect(a.posixMemalign(64, 1 << 30).err).toBe(-Errno.ENOMEM);
  });
  it('realloc(p, 0) frees, realloc(0, n) allocates, a failed realloc keeps the block', () => {
    const a = fresh();
    const p = a.realloc(0, 10);
    expect(p).not.toBe(0);
    phys.u8[p - phys.base] = 42;
    expect(a.realloc(p, 1 << 30)).toBe(0);
    expect(phys.u8[p - phys.base]).toBe(42);
    expect(a.realloc(p, 0)).toBe(0);
    expect(a.stats().curNbAllocs).toBe(0);
  });
  it('rejects frees of pointers outside guest RAM even when not hardened', () => {
    const a = fresh();
    expect(() => a.free(0x1234_5670)).toThrow(RkAllocViolation);
    expect(() => a.free(phys.base + 0x1003)).toThrow(/misaligned/);
  });
  it('sized release checks the size when hardened', () => {
    const a = fresh(true);
    const p = a.malloc(33);
    expect(() => a.release(p, 32)).toThrow(
      /size-mismatch at block 0x[0-9a-f]{8}: release with size 32 but the block has 33 bytes/,
    );
    a.release(p, 33);
    expect(a.stats().curNbAllocs).toBe(0);
  });
  it('palloc counts whole pages in the statistics', () => {
    const a = fresh();
    const p = a.palloc(3);
    expect(p % 4096).toBe(0);
    expect(a.stats().curMemUse).toBe(3 * 4096);
    a.pfree(p, 3);
    expect(a.stats().curMemUse).toBe(0);
    expect(a.palloc(0)).toBe(0);
    expect(a.palloc(1.5)).toBe(0);
  });
  it('addmem rejects regions outside guest RAM', () => {
    expect(fresh().addmem(0x1000, 4096)).toBe(-Errno.EINVAL);
  });
});
