// The clock file times are stamped with. Linux stamps mtime/ctime/atime with its coarse clock
// (current_time(): the wall time at the last tick, not a fresh clock read), so a write costs no clock
// access. Here the monotonic side is the platform's coarse clock (the time of the kernel's latest
// clock read or timer interrupt: no timer CSR read per stamp, ~150 ns booted, several per path call),
// and the wall time (two goldfish-RTC MMIO loads, ~300 ns) is read again only when that has moved
// `granularityNs` past the last read, as a 1000 Hz tick would give.
import type { RkPlatTime } from '@runikraft/rkplat';
import type { RkFsTime } from './driver';

/** Linux's coarse clock with HZ=1000 moves once per millisecond. */
export const COARSE_CLOCK_NS = 1_000_000;

/**
 * A wall clock for file times: the wall time read from `time` when its coarse monotonic clock has
 * moved `granularityNs` past the last read, else that same stamp again. Times stamped more than one
 * granularity plus the coarse clock's lag apart differ as the wall clock does; closer ones may be
 * equal, as on Linux.
 */
export function coarseWallClock(
  time: Pick<RkPlatTime, 'coarseMonotonicNs' | 'wallClockNs'>,
  granularityNs = COARSE_CLOCK_NS,
): () => RkFsTime {
  let until = Number.NEGATIVE_INFINITY;
  let stamp: RkFsTime = { sec: 0, nsec: 0 };
  return () => {
    const mono = time.coarseMonotonicNs();
    // `mono < until - granularityNs` cannot happen with a monotonic clock; it also guards a
    // clock that was reset (a test's) from freezing the stamp.
    if (mono < until && mono >= until - granularityNs) return stamp;
    const ns = time.wallClockNs();
    stamp = { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
    until = mono + granularityNs;
    return stamp;
  };
}
