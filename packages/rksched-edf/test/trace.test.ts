import { createRegistry } from '@runikraft/rkboot';
import { createTraceRing } from '@runikraft/rkdebug';
import { getSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { describe, expect, it } from 'vitest';
import { library } from '../src/index';

describe('rksched-edf.trace=1', () => {
  it("records each thread run as a slice on its own track in rkdebug's trace ring (Chrome JSON)", async () => {
    const plat = createSimPlat({ cpuNsPerPoll: 1000 });
    const registry = createRegistry();
    const trace = createTraceRing(1024, () => plat.time.monotonicNs());
    registry.provide('rkdebug', { trace } as never);
    const params = Object.fromEntries(
      Object.entries(library.params ?? {}).map(([k, v]) => [k, v.default]),
    );
    await library.init?.({ registry, plat, params: { ...params, trace: true } as never, library });
    const sched = getSched(registry);
    await sched.runMain(async () => {
      const t = sched.spawn(
        'job',
        async () => {
          await sched.waitPeriod();
          await sched.waitPeriod();
        },
        { rt: { period: 1_000_000, budget: 100_000 } },
      );
      return sched.join(t);
    });
    const ev = trace.events();
    const jobRuns = ev.filter((e) => e.name === 'job' && e.phase === 'B');
    expect(jobRuns.length).toBeGreaterThanOrEqual(3);
    expect(new Set(jobRuns.map((e) => e.tid))).toEqual(new Set([2]));
    expect(jobRuns.map((e) => e.ts).slice(1, 3)).toEqual([1_000_000, 2_000_000]);
    expect(JSON.parse(trace.toChromeTrace()).traceEvents.length).toBe(ev.length);
  });
});
