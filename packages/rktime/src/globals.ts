// Date.now()/new Date() and performance.now() for the guest realm, from the guest clocks: the wall
// clock read once from the RTC at init, then advanced by the monotonic clock (mtime), as a libc's
// CLOCK_REALTIME is an offset over CLOCK_MONOTONIC.
import { provideGlobal } from '@runikraft/rkboot';
import type { RkPlatTime } from '@runikraft/rkplat';

/** The guest's `Date.now` source and `performance` object over `time`. */
export function clockGlobals(time: Pick<RkPlatTime, 'monotonicNs' | 'wallClockNs'>) {
  const mono0 = time.monotonicNs();
  const wallMs0 = Number(time.wallClockNs() / 1_000_000n);
  const timeOrigin = wallMs0 - mono0 / 1e6;
  const performance = Object.freeze({
    timeOrigin,
    /** Milliseconds since boot (fractional, mtime resolution). */
    now: () => time.monotonicNs() / 1e6,
    toJSON: () => ({ timeOrigin }),
  });
  return {
    dateNow: () => Math.floor(wallMs0 + (time.monotonicNs() - mono0) / 1e6),
    performance,
  };
}

/** Installs `Date.now` (and so `new Date()`) and `performance`. @returns false outside a guest realm. */
export function installClockGlobals(
  time: Pick<RkPlatTime, 'monotonicNs' | 'wallClockNs'>,
): boolean {
  const g = clockGlobals(time);
  if (!provideGlobal('Date.now', g.dateNow)) return false;
  provideGlobal('performance', g.performance);
  return true;
}
