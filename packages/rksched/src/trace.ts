// Scheduler trace points for rkdebug's trace ring (uktrace): one B/E slice per thread run, so the
// ring's Chrome trace-event export shows the schedule in Perfetto with a track per thread.
import type { RkThread } from './api';

/** The part of rkdebug's RkTrace this needs. */
export interface RkSchedTraceSink {
  begin(name: string, args?: Record<string, number | string>): void;
  end(name: string, args?: Record<string, number | string>): void;
  setThreadIdSource(source: () => number): void;
}

/**
 * Makes an `onSwitch` observer (RkSchedOptions) that records each run of a thread as a slice on
 * that thread's track (tid = thread id; 0 = idle).
 */
export function traceSwitches(
  sink: RkSchedTraceSink,
): (prev: RkThread | null, next: RkThread | null) => void {
  let tid = 0;
  sink.setThreadIdSource(() => tid);
  return (prev, next) => {
    tid = prev ? prev.id : 0;
    sink.end(prev ? prev.name : 'idle');
    tid = next ? next.id : 0;
    sink.begin(next ? next.name : 'idle', next ? { prio: next.prio } : undefined);
  };
}
