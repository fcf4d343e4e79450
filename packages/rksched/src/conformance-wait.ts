// Conformance: wait-queue ordering, timeouts, sleep accuracy on the virtual clock, interrupts,
// wake-ups from IRQ context and idle halting (part of describeRkSched).
import { Errno } from '@runikraft/errno';
import { expect, it } from 'vitest';
import type { RkSchedKitContext } from './conformance';

export function waitSuite(ctx: RkSchedKitContext): void {
  it('wakeOne wakes waiters in FIFO order; wakeAll wakes the rest', async () => {
    const { sched } = ctx.setup();
    const order: number[] = [];
    await sched.runMain(async () => {
      const wq = sched.waitQueue();
      const ts = [0, 1, 2, 3, 4].map((i) =>
        sched.spawn(`w${i}`, async () => {
          expect(await wq.wait()).toBe(0);
          order.push(i);
        }),
      );
      while (wq.length < 5) await sched.yield();
      expect(wq.wakeOne()?.name).toBe('w0');
      expect(wq.wakeOne()?.name).toBe('w1');
      expect(wq.wakeAll()).toBe(3);
      expect(wq.wakeOne()).toBeNull();
      for (const t of ts) await sched.join(t);
      return 0;
    });
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('wait with a timeout returns -ETIMEDOUT exactly at the deadline (virtual clock)', async () => {
    const { sched, plat } = ctx.setup();
    await sched.runMain(async () => {
      const wq = sched.waitQueue();
      const t0 = plat.time.monotonicNs();
      expect(await wq.wait(1_500_000)).toBe(-Errno.ETIMEDOUT);
      expect(plat.time.monotonicNs() - t0).toBe(1_500_000);
      expect(wq.length).toBe(0);
      expect(await wq.waitEvent(() => false, 2000)).toBe(-Errno.ETIMEDOUT);
      expect(await wq.waitEvent(() => true, 0)).toBe(0);
      return 0;
    });
  });

  it('sleepers wake at their deadlines, in deadline order; 10 s take no host time', async () => {
    const { sched, plat } = ctx.setup();
    const woke: [string, number][] = [];
    const host0 = performance.now();
    await sched.runMain(async () => {
      const spec: [string, number][] = [
        ['c', 10e9],
        ['a', 1e6],
        ['b', 3e6],
        ['a2', 1e6],
      ];
      const ts = spec.map(([n, ns]) =>
        sched.spawn(n, async () => {
          expect(await sched.sleep(ns)).toBe(0);
          woke.push([n, plat.time.monotonicNs()]);
        }),
      );
      for (const t of ts) await sched.join(t);
      return 0;
    });
    expect(woke).toEqual([
      ['a', 1e6],
      ['a2', 1e6],
      ['b', 3e6],
      ['c', 10e9],
    ]);
    expect(performance.now() - host0).toBeLessThan(1000);
    expect(plat.counters.halts).toBeLessThan(10);
  });

  it('interrupt wakes an interruptible wait with -EINTR; a pending one fails the next wait', async () => {
    const { sched } = ctx.setup();
    await sched.runMain(async () => {
      const wq = sched.waitQueue();
      const t = sched.spawn('sleeper', async () => sched.sleep(1e9));
      const u = sched.spawn('waiter', async () => wq.wait());
      await sched.yield();
      expect(sched.interrupt(t)).toBe(true);
      expect(sched.interrupt(u)).toBe(true);
      expect(await sched.join(t)).toBe(-Errno.EINTR);
      expect(await sched.join(u)).toBe(-Errno.EINTR);
      expect(sched.interrupt(sched.current())).toBe(false);
      expect(await wq.wait(1000)).toBe(-Errno.EINTR);
      return 0;
    });
  });

  it('a device interrupt handler wakes a waiter while the CPU idles', async () => {
    const { sched, plat } = ctx.setup();
    await sched.runMain(async () => {
      const wq = sched.waitQueue();
      let data = 0;
      plat.irq.register(7, () => {
        data = 99;
        wq.wakeAll();
        return true;
      });
      plat.at(5_000_000, () => plat.raise(7));
      expect(await wq.waitEvent(() => data !== 0)).toBe(0);
      expect(data).toBe(99);
      expect(plat.time.monotonicNs()).toBe(5_000_000);
      return 0;
    });
  });

  it('sleepUntil a past deadline returns at once; sleep(0) does not park', async () => {
    const { sched, plat } = ctx.setup();
    await sched.runMain(async () => {
      await sched.sleep(1000);
      expect(await sched.sleepUntil(10)).toBe(0);
      expect(await sched.sleep(0)).toBe(0);
      expect(plat.time.monotonicNs()).toBe(1000);
      return 0;
    });
  });
}
