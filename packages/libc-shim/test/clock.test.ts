// clock_time_get's number path (WasiKernel.clockNowNs: no BigInt per call) and LinearMemory.setU64
// writing a number as two 32-bit halves: the u64 the program reads is the kernel's value across the
// 2^32 boundary, realtime (61 bits) keeps the exact BigInt path, a monotonic value past 2^53 falls
// back to clockNs, and a bad pointer is EFAULT.
import { describe, expect, it } from 'vitest';
import { LinearMemory, WasiErrno, type WasiKernel, WasiPreview1 } from '../src/index';

function preview1(k: Partial<WasiKernel>) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const w = new WasiPreview1(k as WasiKernel, { args: [], env: [], preopens: [] });
  (w as unknown as { mem: LinearMemory }).mem = new LinearMemory(memory);
  const imp = w.imports();
  const call = (id: number, out: number) =>
    (imp.clock_time_get as (a: number, b: bigint, c: number) => number)(id, 1n, out);
  const u64 = (at: number) => new DataView(memory.buffer).getBigUint64(at, true);
  return { call, u64 };
}

describe('clock_time_get', () => {
  it('writes the number clock exactly, across 2^32 and up to 2^53', () => {
    let next = 0;
    const asked: number[] = [];
    const { call, u64 } = preview1({
      clockNs: () => {
        throw new Error('the number path should answer');
      },
      clockNowNs: (id) => {
        asked.push(id);
        return next;
      },
    });
    for (const v of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 1_234_567_890_123, 2 ** 53 - 1]) {
      next = v;
      expect(call(1, 8)).toBe(WasiErrno.SUCCESS);
      expect(u64(8)).toBe(BigInt(v));
    }
    next = 7.9; // a fractional ns is floored
    expect(call(2, 16)).toBe(WasiErrno.SUCCESS);
    expect(u64(16)).toBe(7n);
    expect(asked).toEqual([1, 1, 1, 1, 1, 1, 1, 2]);
  });

  it('reads realtime, values past 2^53 and unserved clocks through clockNs', () => {
    const real = 1_780_000_000_123_456_789n; // 2026 in ns: more than 2^53
    let mono = 2 ** 53 + 2;
    const { call, u64 } = preview1({
      clockNs: (id) => (id === 0 ? real : id <= 3 ? 9_007_199_254_740_995n : null),
      clockNowNs: (id) => (id === 3 ? -1 : mono),
    });
    expect(call(0, 0)).toBe(WasiErrno.SUCCESS);
    expect(u64(0)).toBe(real);
    expect(call(1, 0)).toBe(WasiErrno.SUCCESS);
    expect(u64(0)).toBe(9_007_199_254_740_995n);
    expect(call(3, 0)).toBe(WasiErrno.SUCCESS);
    expect(u64(0)).toBe(9_007_199_254_740_995n);
    mono = 5;
    expect(call(4, 0)).toBe(WasiErrno.INVAL);
    expect(call(-1, 0)).toBe(WasiErrno.INVAL);
  });

  it('is EFAULT for an out-of-bounds pointer on either path', () => {
    const { call } = preview1({ clockNs: () => 1n, clockNowNs: () => 1 });
    expect(call(1, 65532)).toBe(WasiErrno.FAULT);
    expect(call(0, 65532)).toBe(WasiErrno.FAULT);
    expect(call(1, 65528)).toBe(WasiErrno.SUCCESS);
  });
});

describe('LinearMemory.setU64', () => {
  it('writes numbers as two 32-bit halves and BigInts as they are', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const m = new LinearMemory(memory);
    const dv = () => new DataView(memory.buffer);
    for (const v of [0, 1, 0xffff_ffff, 2 ** 32, 2 ** 40 + 3, 2 ** 53 - 1]) {
      m.setU64(100, v);
      expect(dv().getBigUint64(100, true)).toBe(BigInt(v));
    }
    m.setU64(3, 2 ** 33 + 1); // unaligned
    expect(dv().getBigUint64(3, true)).toBe(2n ** 33n + 1n);
    m.setU64(0, -5); // a negative count is never written as a huge u64
    expect(dv().getBigUint64(0, true)).toBe(0n);
    m.setU64(0, 0xffff_ffff_ffff_fffen);
    expect(dv().getBigUint64(0, true)).toBe(0xffff_ffff_ffff_fffen);
  });
});
