// A thread that powers the machine off: every later platform access throws the machine's
// HartStopped (as on the real machine model). runMain must reject with it, and nothing may be left
// as an unhandled rejection (vitest fails the run on one): the core's stop() cancels its timer,
// which is such an access.
import { describe, expect, it } from 'vitest';
import { RkRunQueue } from '../src/run-queue';
import { createSched } from '../src/sched';
import { createSimPlat } from '../src/sim';

class HartStopped extends Error {
  override name = 'HartStopped';
}

function fifo() {
  const q = new RkRunQueue();
  return {
    name: 'fifo',
    attach() {},
    admit: () => 0,
    enqueue: (t: never) => q.pushBack(t),
    dequeue: (t: never) => void q.remove(t),
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

describe('power-off from a thread', () => {
  it('rejects runMain with HartStopped even though cancelling the timer throws it too', async () => {
    const p = createSimPlat();
    let off = false;
    const stopped = () => new HartStopped('hart stopped (poweroff)');
    const setTimer = p.time.setTimer;
    const cancelTimer = p.time.cancelTimer;
    Object.assign(p.time, {
      setTimer: (d: number, h: () => void) => {
        if (off) throw stopped();
        setTimer(d, h);
      },
      cancelTimer: () => {
        if (off) throw stopped();
        cancelTimer();
      },
    });
    const sched = createSched(p, fifo() as never);
    let cancels = 0;
    const run = sched.runMain(async () => {
      sched.spawn('sleeper', () => sched.sleep(1e9).then(() => 0));
      await sched.sleep(1000);
      off = true;
      const cancel = p.time.cancelTimer;
      p.time.cancelTimer = () => {
        cancels++;
        cancel();
      };
      throw stopped(); // the poweroff store
    });
    await expect(run).rejects.toThrow('hart stopped (poweroff)');
    expect(cancels).toBeGreaterThan(0);
  });
});
