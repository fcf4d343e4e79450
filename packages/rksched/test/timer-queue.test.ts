import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RkTimer, RkTimerQueue } from '../src/timer-queue';

describe('RkTimerQueue', () => {
  it('fires in (deadline, arming order) order; removal and re-arming keep the heap valid', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean(), fc.integer({ min: 0, max: 50 })),
          { maxLength: 60 },
        ),
        (ops) => {
          const q = new RkTimerQueue();
          const fired: number[] = [];
          const timers = ops.map((_, i) => new RkTimer(() => fired.push(i)));
          const model = new Map<number, [number, number]>();
          let seq = 0;
          ops.forEach(([d, cancel, re], i) => {
            q.add(timers[i]!, d);
            model.set(i, [d, seq++]);
            if (cancel) {
              expect(q.remove(timers[i]!)).toBe(true);
              model.delete(i);
            } else if (re % 3 === 0) {
              q.add(timers[i]!, re);
              model.set(i, [re, seq++]);
            }
          });
          expect(q.size).toBe(model.size);
          const want = [...model]
            .sort((a, b) => a[1][0] - b[1][0] || a[1][1] - b[1][1])
            .map(([i]) => i);
          expect(q.expire(Number.MAX_SAFE_INTEGER)).toBe(want.length);
          expect(fired).toEqual(want);
          expect(q.earliest()).toBe(Number.POSITIVE_INFINITY);
        },
      ),
    );
  });

  it('expires only due timers; a callback may re-arm its own timer', () => {
    const q = new RkTimerQueue();
    const seen: number[] = [];
    const t: RkTimer = new RkTimer((now) => {
      seen.push(now);
      if (seen.length < 3) q.add(t, now + 10);
    });
    q.add(t, 10);
    expect(q.expire(5)).toBe(0);
    expect(q.expire(10)).toBe(1);
    expect(q.earliest()).toBe(20);
    q.expire(100);
    q.expire(100);
    expect(seen).toEqual([10, 100]);
    expect(t.armed).toBe(true);
    expect(q.remove(t)).toBe(true);
    expect(q.remove(t)).toBe(false);
  });
});
