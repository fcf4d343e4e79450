// File times come from vfscore's coarse clock (the wall time read at most once per millisecond of
// monotonic time, as Linux's current_time): writes within one granularity share a stamp, writes
// further apart still move mtime/ctime forward.
import { COARSE_CLOCK_NS, coarseWallClock, O_CREAT, O_RDWR, RkVfsCore } from '@runikraft/vfscore';
import { describe, expect, it } from 'vitest';
import { createRamfsType } from '../src/index';
import { testAlloc } from './helpers';

async function setup() {
  const clock = { mono: 1_000_000, wall: 1_780_000_000_000_000_000n, wallReads: 0 };
  const env = {
    now: coarseWallClock({
      coarseMonotonicNs: () => clock.mono,
      wallClockNs: () => {
        clock.wallReads++;
        return clock.wall;
      },
    }),
  };
  const v = new RkVfsCore(env);
  v.registerFsType(createRamfsType(testAlloc()));
  expect(await v.mount('none', '/', 'ramfs')).toBe(0);
  const fd = (await v.open('/f', O_CREAT | O_RDWR, 0o644)) as number;
  expect(fd).toBeGreaterThanOrEqual(0);
  const advance = (ns: number) => {
    clock.mono += ns;
    clock.wall += BigInt(ns);
  };
  const times = async () => {
    const st = (await v.fstat(fd)) as { mtime: { sec: number; nsec: number } };
    return st.mtime.sec * 1e9 + st.mtime.nsec;
  };
  return { v, fd, clock, advance, times };
}

describe('ramfs file times through the coarse clock', () => {
  it('mtime moves forward across writes more than the granularity apart', async () => {
    const { v, fd, advance, times } = await setup();
    let prev = await times();
    for (let i = 0; i < 20; i++) {
      advance(COARSE_CLOCK_NS + 1000);
      expect(await v.write(fd, new Uint8Array([i]))).toBe(1);
      const t = await times();
      expect(t).toBeGreaterThan(prev);
      prev = t;
    }
  });

  it('writes within one granularity read the wall clock once and share a stamp', async () => {
    const { v, fd, clock, advance, times } = await setup();
    advance(2 * COARSE_CLOCK_NS);
    expect(await v.write(fd, new Uint8Array([1]))).toBe(1);
    const t0 = await times();
    const reads = clock.wallReads;
    for (let i = 0; i < 100; i++) {
      advance(COARSE_CLOCK_NS / 200);
      expect(await v.write(fd, new Uint8Array([i]))).toBe(1);
    }
    expect(clock.wallReads).toBe(reads);
    expect(await times()).toBe(t0);
  });
});
