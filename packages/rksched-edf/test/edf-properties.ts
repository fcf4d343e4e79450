// EDF-specific properties, plugged into the conformance kit: admission, zero misses at U ≈ 0.95,
// miss detection (report / abort), budget enforcement, sporadic inter-arrival.
import { Errno } from '@runikraft/errno';
import { createSched, type RkSched } from '@runikraft/rksched';
import type { RkSchedFactory, RkSchedKitContext } from '@runikraft/rksched/conformance';
import { createSimPlat } from '@runikraft/rksched/sim';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createEdfPolicy, type RkEdfOptions } from '../src/policy';

const MS = 1_000_000;
const Q = 10_000; // simulated CPU per preemption point

/** Burns `ns` of simulated CPU at preemption points. */
async function compute(sched: RkSched, _plat: unknown, ns: number): Promise<void> {
  for (let i = 0; i < ns / Q; i++) await sched.preemptPoint();
}

function edf(opts: RkEdfOptions = {}) {
  const plat = createSimPlat({ cpuNsPerPoll: Q });
  return { plat, sched: createSched(plat, createEdfPolicy(opts)) };
}

export function edfProperties(_make: RkSchedFactory, _ctx: RkSchedKitContext): void {
  it('edf: admission control refuses a thread that would exceed utilisation 1, and frees on exit', async () => {
    const { sched } = edf();
    await sched.runMain(async () => {
      const a = sched.spawn('a', () => sched.waitPeriod().then(() => 0), {
        rt: { period: 10 * MS, budget: 6 * MS },
      });
      expect(() => sched.spawn('b', () => 0, { rt: { period: 10 * MS, budget: 5 * MS } })).toThrow(
        expect.objectContaining({ errno: Errno.EBUSY }),
      );
      await sched.join(a);
      const c = sched.spawn('c', () => 0, { rt: { period: 10 * MS, budget: 5 * MS } });
      await sched.join(c);
      return 0;
    });
  });

  it('edf: a periodic task set with U = 0.95 runs 1 s with zero deadline misses', async () => {
    const { sched, plat } = edf();
    const set = [
      [2, 4],
      [3, 10],
      [3, 20],
    ] as const; // 0.5 + 0.3 + 0.15
    await sched.runMain(async () => {
      const ts = set.map(([c, p], i) =>
        sched.spawn(
          `T${i}`,
          async () => {
            while (plat.time.monotonicNs() < 1000 * MS) {
              await compute(sched, plat, c * MS);
              await sched.waitPeriod();
            }
          },
          { rt: { period: p * MS, budget: c * MS * 1.04 } },
        ),
      );
      for (const t of ts) await sched.join(t);
      return 0;
    });
    expect(sched.stats().deadlineMisses).toBe(0);
  });

  it('edf: misses are detected by the watchdog; "abort" aborts the job at a preemption point', async () => {
    for (const missPolicy of ['report', 'abort'] as const) {
      const { sched, plat } = edf({ missPolicy, enforceBudget: false });
      const results: number[] = [];
      let aborted = 0;
      await sched.runMain(async () => {
        const t = sched.spawn(
          'late',
          async () => {
            for (let j = 0; j < 3; j++) {
              try {
                await compute(sched, plat, 6 * MS); // needs 6 ms, deadline 5 ms
              } catch (e) {
                expect((e as { errno: number }).errno).toBe(Errno.ETIMEDOUT);
                aborted++;
              }
              results.push(await sched.waitPeriod());
            }
          },
          { rt: { period: 10 * MS, deadline: 5 * MS, budget: 4 * MS } },
        );
        await sched.join(t);
        return 0;
      });
      expect(results).toEqual([-Errno.ETIMEDOUT, -Errno.ETIMEDOUT, -Errno.ETIMEDOUT]);
      expect(sched.stats().deadlineMisses).toBe(3);
      expect(aborted).toBe(missPolicy === 'abort' ? 3 : 0);
    }
  });

  it('edf: budget enforcement throttles an overrunning job so others keep their deadlines', async () => {
    const { sched, plat } = edf();
    await sched.runMain(async () => {
      const hog = sched.spawn(
        'hog',
        async () => {
          await compute(sched, plat, 30 * MS); // one job far over its 2 ms budget
        },
        { rt: { period: 10 * MS, budget: 2 * MS } },
      );
      const good = sched.spawn(
        'good',
        async () => {
          for (let j = 0; j < 5; j++) {
            await compute(sched, plat, 5 * MS);
            expect(await sched.waitPeriod()).toBe(0);
          }
        },
        { rt: { period: 10 * MS, budget: 6 * MS } },
      );
      await sched.join(good);
      // 2 ms per 10 ms period, whatever it asks for
      expect(hog.cpuNs).toBeLessThanOrEqual(
        Math.ceil(plat.time.monotonicNs() / (10 * MS)) * (2 * MS + Q),
      ); // + one poll quantum of overrun per period
      expect(hog.cpuNs).toBeGreaterThan(8 * MS);
      await sched.join(hog);
      return 0;
    });
    expect(sched.policy).toBe('edf');
  });

  it('edf: sporadic jobs are released by activate() no closer than the minimum inter-arrival time', async () => {
    const { sched, plat } = edf();
    const starts: number[] = [];
    await sched.runMain(async () => {
      const s = sched.spawn(
        'irqtask',
        async () => {
          for (let j = 0; j < 2; j++) {
            await sched.waitPeriod();
            starts.push(plat.time.monotonicNs());
          }
        },
        { rt: { period: 5 * MS, budget: 1 * MS, sporadic: true } },
      );
      await sched.sleep(1 * MS);
      sched.activate(s);
      await sched.sleep(1 * MS);
      sched.activate(s); // too early: deferred to 1 + 5 ms
      await sched.sleep(20 * MS);
      sched.activate(s);
      await sched.join(s);
      return 0;
    });
    expect(starts[0]).toBe(6 * MS); // deferred to the minimum inter-arrival time
    expect(starts[1]! - 22 * MS).toBeLessThan(3 * Q); // released at activation (+ switch cost)
  });

  it('edf: any random periodic task set with utilisation <= 0.8 meets every deadline (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ p: fc.integer({ min: 2, max: 25 }), share: fc.integer({ min: 1, max: 10 }) }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.double({ min: 0.3, max: 0.8, noNaN: true }),
        async (specs, u) => {
          const total = specs.reduce((a, x) => a + x.share, 0);
          // C in whole 10 µs quanta; budgets get 5 quanta of margin (switch-time polls are charged to jobs)
          const set = specs.map((x) => ({
            p: x.p * MS,
            c: Math.max(Q, Math.floor((((u * x.share) / total) * x.p * MS) / Q) * Q),
          }));
          const { sched, plat } = edf();
          await sched.runMain(async () => {
            const ts = set.map((t, i) =>
              sched.spawn(
                `R${i}`,
                async () => {
                  while (plat.time.monotonicNs() < 120 * MS) {
                    await compute(sched, plat, t.c);
                    await sched.waitPeriod();
                  }
                },
                { rt: { period: t.p, budget: Math.min(t.p, t.c + 5 * Q) } },
              ),
            );
            for (const t of ts) await sched.join(t);
            return 0;
          });
          expect(sched.stats().deadlineMisses).toBe(0);
        },
      ),
      { numRuns: 15, seed: 11 },
    );
  });
}
