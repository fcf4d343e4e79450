import { describe, expect, it } from 'vitest';
import { COARSE_CLOCK_NS, coarseWallClock } from '../src/clock';

/** A monotonic and a wall clock the test moves, counting wall-clock reads (RTC MMIO when booted). */
function fakeTime(wall0 = 1_780_000_000_123_456_789n) {
  const t = { mono: 5_000_000, wall: wall0, wallReads: 0 };
  return {
    t,
    time: {
      coarseMonotonicNs: () => t.mono,
      wallClockNs: () => {
        t.wallReads++;
        return t.wall;
      },
    },
    advance(ns: number) {
      t.mono += ns;
      t.wall += BigInt(ns);
    },
  };
}

describe('coarseWallClock (file times as Linux current_time)', () => {
  it('splits the wall clock into sec and nsec', () => {
    const { time } = fakeTime();
    expect(coarseWallClock(time)()).toEqual({ sec: 1_780_000_000, nsec: 123_456_789 });
  });

  it('reads the wall clock once per granularity: stamps within it are equal', () => {
    const f = fakeTime();
    const now = coarseWallClock(f.time);
    const first = now();
    for (let i = 0; i < 100; i++) {
      f.advance(COARSE_CLOCK_NS / 200);
      expect(now()).toEqual(first);
    }
    expect(f.t.wallReads).toBe(1);
  });

  it('stamps more than the granularity apart move forward with the wall clock', () => {
    const f = fakeTime();
    const now = coarseWallClock(f.time);
    let prev = now();
    for (let i = 0; i < 50; i++) {
      f.advance(COARSE_CLOCK_NS + 1);
      const t = now();
      const ns = (s: { sec: number; nsec: number }) =>
        BigInt(s.sec) * 1_000_000_000n + BigInt(s.nsec);
      expect(ns(t) - ns(prev)).toBe(BigInt(COARSE_CLOCK_NS + 1));
      prev = t;
    }
    expect(f.t.wallReads).toBe(51);
  });

  it('follows a wall clock that was set (settimeofday) at the next granularity', () => {
    const f = fakeTime();
    const now = coarseWallClock(f.time, 4_000_000);
    now();
    f.t.wall = 1_900_000_000_000_000_000n;
    f.t.mono += 3_999_999;
    expect(now().sec).toBe(1_780_000_000);
    f.t.mono += 1;
    expect(now()).toEqual({ sec: 1_900_000_000, nsec: 0 });
  });

  it('re-reads when the monotonic clock is behind its last read (a reset clock never freezes the stamp)', () => {
    const f = fakeTime();
    const now = coarseWallClock(f.time);
    now();
    f.t.mono -= 1;
    f.t.wall += 7n;
    expect(now().nsec).toBe(123_456_796);
    expect(f.t.wallReads).toBe(2);
  });
});
