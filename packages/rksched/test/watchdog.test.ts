// The development watchdog names a thread that ran past its bound between two preemption points.
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkThread } from '../src/api';
import { createSched, RkRunQueue, type RkSchedOptions, type RkSchedPolicy } from '../src/impl';
import { createSimPlat } from '../src/sim';

function fifo(): RkSchedPolicy {
  const q = new RkRunQueue();
  return {
    name: 'fifo',
    attach() {},
    admit() {},
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
    stats: () => ({}),
  };
}

const MS = 1_000_000;

function setup(opts: RkSchedOptions) {
  const plat = createSimPlat();
  return { plat, sched: createSched(plat, fifo(), opts) };
}

describe('rksched watchdog', () => {
  it('reports the thread and how long it ran without a preemption point', async () => {
    const reports: [string, number][] = [];
    const { plat, sched } = setup({
      watchdogNs: 5 * MS,
      onWatchdog: (t: RkThread, ns: number) => reports.push([t.name, ns]),
    });
    await sched.runMain(async () => {
      const hog = sched.spawn('hog', async () => {
        plat.burn(3 * MS); // under the bound
        await sched.preemptPoint();
        plat.burn(20 * MS); // a long synchronous stretch
        await sched.preemptPoint();
        plat.burn(7 * MS);
        await sched.sleep(1); // parking is a preemption point too
        plat.burn(6 * MS); // and so is exiting
      });
      await sched.join(hog);
      return 0;
    });
    expect(reports).toEqual([
      ['hog', 20 * MS],
      ['hog', 7 * MS],
      ['hog', 6 * MS],
    ]);
  });

  it('prints the report on the platform console by default; off when the bound is 0', async () => {
    const on = setup({ watchdogNs: 1 * MS });
    await on.sched.runMain(async () => {
      on.plat.burn(2.5 * MS);
      await on.sched.yield();
      return 0;
    });
    expect(on.plat.output.join('')).toContain(
      'rksched watchdog: thread "main" (#1) ran 2.500 ms without reaching a preemption point (bound 1 ms)',
    );
    const off = setup({});
    await off.sched.runMain(async () => {
      off.plat.burn(1000 * MS);
      await off.sched.yield();
      return 0;
    });
    expect(off.plat.output.join('')).not.toContain('watchdog');
    expect(() => setup({ watchdogNs: -1 })).toThrow(
      expect.objectContaining({ errno: Errno.EINVAL, message: expect.stringMatching(/-1 ns/) }),
    );
  });
});
