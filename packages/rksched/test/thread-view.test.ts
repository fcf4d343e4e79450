// Users hold a read-only thread handle; run-queue links, policy data and job state are reachable
// only through the policy's view (RkPolicyThread). Type-level checks run under `pnpm typecheck`.
import { describe, expect, it } from 'vitest';
import type { RkThread } from '../src/api';
import { createSched, type RkPolicyThread, RkRunQueue, type RkSchedPolicy } from '../src/impl';
import { createSimPlat } from '../src/sim';

/** A FIFO policy that remembers every thread object it was handed. */
function spyFifo(seen: RkPolicyThread[]): RkSchedPolicy {
  const q = new RkRunQueue();
  return {
    name: 'spy',
    attach() {},
    admit: (t) => {
      seen.push(t);
      t.policyData = { mine: true };
      return 0;
    },
    enqueue: (t) => q.pushBack(t),
    dequeue: (t) => void q.remove(t),
    pickNext: () => q.popFront(),
    onBlock() {},
    onTick: () => false,
    nextTick: () => Number.POSITIVE_INFINITY,
    shouldPreempt: () => false,
    onRelease() {},
    onExit() {},
    onPrioChange() {},
    stats: () => ({ ready: q.length }),
  };
}

/** Compile-time only: each line must be a type error (tsc fails on an unused @ts-expect-error). */
function typeLevelChecks(t: RkThread): void {
  // @ts-expect-error run-queue links are not part of the user-facing type
  t.rqPrev = null;
  // @ts-expect-error run-queue links are not part of the user-facing type
  void t.rqNext;
  // @ts-expect-error policy data is not part of the user-facing type
  t.policyData = {};
  // @ts-expect-error the priority changes only through setPrio
  t.prio = 3;
  // @ts-expect-error job state is read-only for users
  t.rt!.absDeadline = 0;
  // @ts-expect-error job state is read-only for users
  t.rt!.throttled = false;
}

describe('RkThread handle', () => {
  it('exposes no links, policy data or writable state at run time; the policy sees its own view', async () => {
    const seen: RkPolicyThread[] = [];
    const plat = createSimPlat();
    const sched = createSched(plat, spyFifo(seen));
    let handle: RkThread | null = null;
    const status = await sched.runMain(async () => {
      const a = sched.spawn('a', () => sched.sleep(1000));
      const b = sched.spawn('b', () => 0, { rt: { period: 1_000_000, budget: 1000 } });
      handle = a;
      expect(sched.current().name).toBe('main');
      for (const t of [a, b, sched.current()]) {
        for (const key of ['rqPrev', 'rqNext', 'rq', 'policyData', 'signalData', 'tls', 'timer'])
          expect(key in t, key).toBe(false);
        expect(Object.keys(t)).toEqual([]);
        expect(Object.isFrozen(t)).toBe(true);
        expect(() => {
          (t as { prio: number }).prio = 9;
        }).toThrow(TypeError);
        expect(() => {
          (t as unknown as { rqNext: unknown }).rqNext = null;
        }).toThrow(TypeError);
      }
      const rt = b.rt!;
      expect(rt.period).toBe(1_000_000);
      expect(Object.keys(rt)).toEqual([]);
      expect(() => {
        (rt as { absDeadline: number }).absDeadline = 0;
      }).toThrow(TypeError);
      expect(a.prio).toBe(0);
      await sched.join(a);
      await sched.join(b);
      return 0;
    });
    expect(status).toBe(0);
    // The policy got control blocks, not the handles, and each knows its handle.
    expect(seen.map((p) => p.name)).toEqual(['main', 'a', 'b']);
    expect(seen[1]!.user).toBe(handle);
    expect(seen[1]).not.toBe(handle);
    expect(seen[1]!.policyData).toEqual({ mine: true });
    expect('policyData' in seen[1]!).toBe(true);
    void typeLevelChecks;
  });

  it('refuses a forged thread object with EINVAL naming it', async () => {
    const sched = createSched(createSimPlat(), spyFifo([]));
    const forged = { id: 1, name: 'x', state: 'ready', toString: () => 'forged' } as RkThread;
    expect(() => sched.kill(forged)).toThrow(/forged is not an rksched thread/);
    expect(() => sched.setPrio(forged, 1)).toThrow(/not an rksched thread/);
    await expect(
      sched.runMain(async () => {
        await sched.join(forged);
        return 0;
      }),
    ).rejects.toThrow(/not an rksched thread/);
  });
});
