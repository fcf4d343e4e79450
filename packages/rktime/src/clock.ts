// Clocks (clock_gettime / clock_nanosleep, uktime): realtime, monotonic, process and thread CPU
// time, and nanosleep reporting the time left when interrupted.
import { Errno } from '@runikraft/errno';
import type { RkPlatTime } from '@runikraft/rkplat';
import type { RkSched } from '@runikraft/rksched';

export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3;
export type RkClockId = 0 | 1 | 2 | 3;

export interface RkTimespec {
  readonly sec: number;
  readonly nsec: number;
}

export const toTimespec = (ns: number): RkTimespec => ({
  sec: Math.floor(ns / 1e9),
  nsec: ns % 1e9,
});

export class RkClocks {
  constructor(
    private readonly time: RkPlatTime,
    private readonly sched: RkSched,
  ) {}

  /** The clock's value in ns (a number: realtime is rounded to 256 ns, see {@link realtimeNs}). */
  nowNs(id: RkClockId): number {
    switch (id) {
      case CLOCK_REALTIME:
        return Number(this.time.wallClockNs());
      case CLOCK_MONOTONIC:
        return this.time.monotonicNs();
      case CLOCK_PROCESS_CPUTIME_ID:
        return this.time.monotonicNs() - this.sched.stats().idleNs;
      case CLOCK_THREAD_CPUTIME_ID:
        return this.sched.current().cpuNs;
      default:
        return -Errno.EINVAL;
    }
  }

  /**
   * CLOCK_REALTIME exactly, in ns since the epoch: the RTC's 61 bits, which {@link nowNs}'s number
   * rounds to 256 ns.
   */
  realtimeNs(): bigint {
    return this.time.wallClockNs();
  }

  /** clock_gettime. @returns the time, or -EINVAL for an unknown clock. */
  gettime(id: number): RkTimespec | number {
    if (id < 0 || id > 3 || !Number.isInteger(id)) return -Errno.EINVAL;
    return toTimespec(this.nowNs(id as RkClockId));
  }

  /** clock_getres. */
  getres(id: number): RkTimespec | number {
    if (id < 0 || id > 3 || !Number.isInteger(id)) return -Errno.EINVAL;
    return toTimespec(this.time.resolutionNs);
  }

  /**
   * nanosleep: sleeps `ns`. @returns `{ ret: 0 }`, or `{ ret: -EINTR, remainingNs }` when a signal
   * interrupted it, or -EINVAL for a negative duration. Parks the caller.
   */
  async nanosleep(ns: number): Promise<{ ret: number; remainingNs: number }> {
    if (!(ns >= 0)) return { ret: -Errno.EINVAL, remainingNs: 0 };
    const end = this.time.monotonicNs() + ns;
    const ret = await this.sched.sleepUntil(end);
    return { ret, remainingNs: ret === 0 ? 0 : Math.max(0, end - this.time.monotonicNs()) };
  }

  /** clock_nanosleep on CLOCK_MONOTONIC or CLOCK_REALTIME, relative or absolute (TIMER_ABSTIME). */
  clockNanosleep(id: RkClockId, ns: number, absolute = false): Promise<number> {
    if (id !== CLOCK_MONOTONIC && id !== CLOCK_REALTIME) return Promise.resolve(-Errno.EINVAL);
    const now = this.nowNs(id);
    const rel = absolute ? ns - now : ns;
    return this.sched.sleepUntil(this.time.monotonicNs() + Math.max(0, rel));
  }
}
