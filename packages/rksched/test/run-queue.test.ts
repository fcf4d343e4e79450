import { describe, expect, it } from 'vitest';
import type { RkPolicyThread } from '../src/impl';
import { RkRunQueue } from '../src/run-queue';

const th = (id: number) =>
  ({ id, name: `t${id}`, rq: null, rqPrev: null, rqNext: null }) as unknown as RkPolicyThread;

describe('RkRunQueue', () => {
  it('is a FIFO with O(1) removal from anywhere, and refuses double insertion', () => {
    const q = new RkRunQueue();
    const [a, b, c, d] = [1, 2, 3, 4].map(th) as [
      RkPolicyThread,
      RkPolicyThread,
      RkPolicyThread,
      RkPolicyThread,
    ];
    q.pushBack(a);
    q.pushBack(b);
    q.pushBack(c);
    q.pushFront(d);
    expect([...q].map((t) => t.id)).toEqual([4, 1, 2, 3]);
    expect(() => q.pushBack(b)).toThrow(/already in a run queue/);
    expect(q.remove(b)).toBe(true);
    expect(q.remove(b)).toBe(false);
    expect(q.popFront()?.id).toBe(4);
    expect(q.popFront()?.id).toBe(1);
    expect(q.popFront()?.id).toBe(3);
    expect(q.popFront()).toBeNull();
    expect(q.length).toBe(0);
  });
});
