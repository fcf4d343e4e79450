// Trace points in a fixed-size ring buffer (uktrace), exported as Chrome trace-event JSON.
import type { RkTrace, RkTraceEvent } from './api';

/** Creates a trace ring of `capacity` events stamped with `now()` (monotonic ns). */
export function createTraceRing(capacity: number, now: () => number): RkTrace {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`trace ring capacity must be ≥ 1, got ${capacity}`);
  const ring: (RkTraceEvent | undefined)[] = new Array(capacity);
  let head = 0;
  let count = 0;
  let dropped = 0;
  let tidSource: () => number = () => 0;

  const record = (name: string, phase: RkTraceEvent['phase'], args?: RkTraceEvent['args']) => {
    ring[head] = args
      ? { name, phase, ts: now(), tid: tidSource(), args }
      : { name, phase, ts: now(), tid: tidSource() };
    head = (head + 1) % capacity;
    if (count < capacity) count++;
    else dropped++;
  };

  const events = (): RkTraceEvent[] => {
    const out: RkTraceEvent[] = [];
    for (let i = 0; i < count; i++) out.push(ring[(head - count + i + capacity) % capacity]!);
    return out;
  };

  return {
    point: (name, args) => record(name, 'i', args),
    begin: (name, args) => record(name, 'B', args),
    end: (name, args) => record(name, 'E', args),
    counter: (name, values) => record(name, 'C', values),
    events,
    get dropped() {
      return dropped;
    },
    setThreadIdSource(source) {
      tidSource = source;
    },
    clear() {
      head = 0;
      count = 0;
      dropped = 0;
    },
    toChromeTrace() {
      const traceEvents = events().map((e) => ({
        name: e.name,
        ph: e.phase,
        ts: e.ts / 1000,
        pid: 1,
        tid: e.tid,
        ...(e.phase === 'i' ? { s: 't' } : {}),
        ...(e.args ? { args: e.args } : {}),
      }));
      return JSON.stringify({ traceEvents, displayTimeUnit: 'ns', otherData: { dropped } });
    },
  };
}
