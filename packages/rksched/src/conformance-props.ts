// Conformance, property-based (fast-check): no lost wake-ups under random interleavings of
// producers, consumers, yields, sleeps, timeouts and IRQ-context posts (part of describeRkSched).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { RkSchedKitContext } from './conformance';

type Step =
  | { kind: 'yield' }
  | { kind: 'sleep'; ns: number }
  | { kind: 'post' }
  | { kind: 'spin'; n: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'yield' }),
  fc.integer({ min: 1, max: 50_000 }).map<Step>((ns) => ({ kind: 'sleep', ns })),
  fc.constant<Step>({ kind: 'post' }),
  fc.integer({ min: 1, max: 5 }).map<Step>((n) => ({ kind: 'spin', n })),
);

export function propertySuite(ctx: RkSchedKitContext): void {
  it('no lost wake-ups: every token posted (by threads or IRQs) is consumed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(stepArb, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (producers, irqTimes, consumers, hostTurns) => {
          const opts = { cpuNsPerPoll: 1000, hostTurnEvery: hostTurns ? 5 : undefined };
          await ctx.run(opts, async ({ sched, plat, at, irq }) => {
            const wq = sched.waitQueue();
            let tokens = 0;
            let consumed = 0;
            const total =
              producers.reduce((s, p) => s + p.filter((x) => x.kind === 'post').length, 0) +
              irqTimes.length;
            // A device holds one pending interrupt: a post while it is still raised counts in the
            // timer's IRQ context instead of raising again (two raises would be one interrupt).
            let raised = false;
            plat.irq.register(irq.line, () => {
              irq.ack();
              raised = false;
              tokens++;
              wq.wakeOne();
              return true;
            });
            for (const t of irqTimes)
              at(t, () => {
                if (!raised) {
                  raised = true;
                  irq.raise();
                  return;
                }
                tokens++;
                wq.wakeOne();
              });
            const st = await sched.runMain(async () => {
              const cs = Array.from({ length: consumers }, (_, i) =>
                sched.spawn(`c${i}`, async () => {
                  for (;;) {
                    const r = await wq.waitEvent(() => tokens > 0 || consumed >= total, 1e9);
                    if (r !== 0) return 1;
                    if (consumed >= total) return 0;
                    tokens--;
                    consumed++;
                    if (consumed >= total) wq.wakeAll();
                  }
                }),
              );
              const ps = producers.map((steps, i) =>
                sched.spawn(`p${i}`, async () => {
                  for (const s of steps) {
                    if (s.kind === 'yield') await sched.yield();
                    else if (s.kind === 'sleep') await sched.sleep(s.ns);
                    else if (s.kind === 'spin')
                      for (let k = 0; k < s.n; k++) await sched.preemptPoint();
                    else {
                      tokens++;
                      wq.wakeOne();
                    }
                  }
                }),
              );
              for (const p of ps) await sched.join(p);
              let bad = 0;
              for (const c of cs) bad += await sched.join(c);
              return bad;
            });
            expect(st).toBe(0);
            expect(consumed).toBe(total);
            expect(tokens).toBe(0);
          });
        },
      ),
      { numRuns: ctx.env.propertyRuns ?? 40, seed: 42 },
    );
  });

  it('join/exit: every joiner gets the exit value, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
        async (delays) => {
          await ctx.run({}, async ({ sched }) => {
            await sched.runMain(async () => {
              const ts = delays.map((d, i) =>
                sched.spawn(`t${i}`, async () => {
                  for (let k = 0; k < d; k++) await sched.yield();
                  if (d % 2) sched.exit(i + 100);
                  return i + 100;
                }),
              );
              for (let i = ts.length - 1; i >= 0; i--)
                expect(await sched.join(ts[i]!)).toBe(i + 100);
              return 0;
            });
          });
        },
      ),
      { numRuns: ctx.env.propertyRuns ?? 30, seed: 7 },
    );
  });
}
