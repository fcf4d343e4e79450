import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTraceRing } from '../src/trace';

describe('trace ring', () => {
  it('keeps the newest events in order and counts drops', () => {
    let t = 0;
    const ring = createTraceRing(3, () => (t += 1000));
    for (const n of ['a', 'b', 'c', 'd', 'e']) ring.point(n);
    expect(ring.events().map((e) => e.name)).toEqual(['c', 'd', 'e']);
    expect(ring.dropped).toBe(2);
  });
  it('exports Chrome trace-event JSON with µs timestamps and thread ids', () => {
    const ring = createTraceRing(8, () => 2_000);
    ring.setThreadIdSource(() => 7);
    ring.begin('switch', { to: 3 });
    ring.end('switch');
    ring.counter('heap', { used: 10 });
    const json = JSON.parse(ring.toChromeTrace());
    expect(json.traceEvents).toEqual([
      { name: 'switch', ph: 'B', ts: 2, pid: 1, tid: 7, args: { to: 3 } },
      { name: 'switch', ph: 'E', ts: 2, pid: 1, tid: 7 },
      { name: 'heap', ph: 'C', ts: 2, pid: 1, tid: 7, args: { used: 10 } },
    ]);
  });
  it('holds min(n, capacity) events for any n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 60 }), (cap, n) => {
        const ring = createTraceRing(cap, () => 0);
        for (let i = 0; i < n; i++) ring.point(String(i));
        const ev = ring.events();
        expect(ev.length).toBe(Math.min(n, cap));
        if (n > 0) expect(ev.at(-1)!.name).toBe(String(n - 1));
        expect(ring.dropped).toBe(Math.max(0, n - cap));
      }),
    );
  });
  it('rejects a zero capacity', () => {
    expect(() => createTraceRing(0, () => 0)).toThrow(/capacity must be ≥ 1/);
  });
});
