// EDF classes and CBS details: a periodic thread without a budget is an unreserved job (admitted,
// not counted by admission, runs after reserved jobs); the deadline watchdog follows a deadline
// that budget enforcement postponed.
import { Errno } from '@runikraft/errno';
import { createSched, type RkSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { describe, expect, it } from 'vitest';
import { createEdfPolicy, type RkEdfOptions } from '../src/policy';

const MS = 1_000_000;
const Q = 10_000; // simulated CPU per preemption point

async function compute(sched: RkSched, ns: number): Promise<void> {
  for (let i = 0; i < ns / Q; i++) await sched.preemptPoint();
}

function edf(opts: RkEdfOptions = {}) {
  const plat = createSimPlat({ cpuNsPerPoll: Q });
  const policy = createEdfPolicy(opts);
  return { plat, policy, sched: createSched(plat, policy) };
}

describe('rksched-edf reservations', () => {
  it('admits several periodic threads without budgets; admission counts only reserved ones', async () => {
    const { sched, policy } = edf();
    await sched.runMain(async () => {
      const a = sched.spawn('a', () => 0, { rt: { period: 10 * MS } });
      const b = sched.spawn('b', () => 0, { rt: { period: 10 * MS } });
      const c = sched.spawn('c', () => 0, { rt: { period: 5 * MS } });
      expect(a.rt!.budget).toBe(Number.POSITIVE_INFINITY);
      expect(policy.stats().utilisation).toBe(0);
      // A reservation still gets the whole bandwidth: unreserved jobs do not consume it.
      const r = sched.spawn('r', () => 0, { rt: { period: 10 * MS, budget: 10 * MS } });
      expect(policy.stats().utilisation).toBe(1);
      expect(() => sched.spawn('r2', () => 0, { rt: { period: 10 * MS, budget: 1 * MS } })).toThrow(
        expect.objectContaining({ errno: Errno.EBUSY }),
      );
      for (const t of [a, b, c, r]) await sched.join(t);
      return 0;
    });
    expect(policy.stats().refused).toBe(1);
  });

  it('refusals and bad options are RkErrors naming the numbers', async () => {
    const { sched } = edf({ maxUtil: 0.5 });
    await sched.runMain(async () => {
      const a = sched.spawn('a', () => 0, { rt: { period: 10 * MS, budget: 3 * MS } });
      expect(() => sched.spawn('b', () => 0, { rt: { period: 8 * MS, budget: 2 * MS } })).toThrow(
        /EBUSY: rksched-edf: thread "b" refused: utilisation 0.3 \+ 0.25 \(budget 2000000 ns \/ 8000000 ns\) exceeds 0.5/,
      );
      await sched.join(a);
      return 0;
    });
    for (const [opts, msg] of [
      [{ maxUtil: 1.5 }, /max utilisation 1.5/],
      [{ maxUtil: 0 }, /max utilisation 0 /],
      [{ sliceNs: -1 }, /slice -1 ns/],
      [{ missPolicy: 'panic' as 'abort' }, /miss policy "panic"/],
    ] as const)
      expect(() => createEdfPolicy(opts)).toThrow(
        expect.objectContaining({ errno: Errno.EINVAL, message: expect.stringMatching(msg) }),
      );
  });

  it('runs unreserved jobs by deadline after reserved jobs, before best-effort threads', async () => {
    const { sched, plat } = edf();
    const order: string[] = [];
    const job = (name: string, ns: number) => async () => {
      await compute(sched, ns);
      order.push(`${name}@${plat.time.monotonicNs() / MS}`);
    };
    await sched.runMain(async () => {
      // Created in the opposite order of how they must run.
      const ts = [
        sched.spawn('be', job('be', 1 * MS)),
        sched.spawn('u-late', job('u-late', 1 * MS), { rt: { period: 30 * MS } }),
        sched.spawn('u-early', job('u-early', 1 * MS), { rt: { period: 4 * MS } }),
        // Latest deadline of all, yet first: it holds a reservation.
        sched.spawn('res', job('res', 1 * MS), { rt: { period: 50 * MS, budget: 2 * MS } }),
      ];
      for (const t of ts) await sched.join(t);
      return 0;
    });
    expect(order.map((s) => s.split('@')[0])).toEqual(['res', 'u-early', 'u-late', 'be']);
  });

  it('the watchdog follows a deadline postponed by budget enforcement ("abort" fires again)', async () => {
    const { sched, plat, policy } = edf({ missPolicy: 'abort' });
    const aborts: number[] = [];
    const deadlines: number[] = [];
    await sched.runMain(async () => {
      const t = sched.spawn(
        'overrun',
        async () => {
          // One job that keeps computing after an abort: 2 ms of budget per 10 ms period, so each
          // replenishment postpones its deadline by a period, and each postponed deadline passes.
          while (aborts.length < 3 && plat.time.monotonicNs() < 100 * MS) {
            try {
              await compute(sched, 50 * MS);
            } catch (e) {
              expect((e as { errno: number }).errno).toBe(Errno.ETIMEDOUT);
              aborts.push(plat.time.monotonicNs());
              deadlines.push(sched.current().rt!.absDeadline);
            }
          }
          expect(await sched.waitPeriod()).toBe(-Errno.ETIMEDOUT);
        },
        { rt: { period: 10 * MS, budget: 2 * MS } },
      );
      await sched.join(t);
      return 0;
    });
    // Aborted at the first deadline and again at each postponed one (resumed after replenishment).
    expect(aborts.map((n) => Math.floor(n / MS))).toEqual([10, 20, 30]);
    expect(deadlines).toEqual([20 * MS, 30 * MS, 40 * MS]);
    expect(policy.stats().aborts).toBe(3);
    expect(sched.stats().deadlineMisses).toBe(1); // one job, one miss
  });
});
