// Conformance: wait-queue ordering, timeouts, sleep accuracy on the virtual clock, interrupts,
// wake-ups from IRQ context and idle halting (part of describeRkSched).
import { Errno } from '@runikraft/errno';
import { expect, it } from 'vitest';
import type { RkSchedKitContext } from './conformance';

export function waitSuite(ctx: RkSchedKitContext): void {
  it('wakeOne wakes waiters in FIFO order; wakeAll wakes the rest', () =>
    ctx.run({}, async ({ sched }) => {
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
    }));

  /** Exactly `want` on a virtual clock; on a running clock no earlier and not much later. */
  const at = (got: number, want: number) => {
    if (ctx.env.virtualClock) expect(got).toBe(want);
    else expect(got).toBeGreaterThanOrEqual(want);
    if (!ctx.env.virtualClock) expect(got).toBeLessThan(want + 500_000_000);
  };

  it('wait with a timeout returns -ETIMEDOUT at the deadline (exactly on a virtual clock)', () =>
    ctx.run({}, async ({ sched, now }) => {
      await sched.runMain(async () => {
        const wq = sched.waitQueue();
        const t0 = now();
        expect(await wq.wait(1_500_000)).toBe(-Errno.ETIMEDOUT);
        at(now() - t0, 1_500_000);
        expect(wq.length).toBe(0);
        expect(await wq.waitEvent(() => false, 2000)).toBe(-Errno.ETIMEDOUT);
        expect(await wq.waitEvent(() => true, 0)).toBe(0);
        return 0;
      });
    }));

  it.runIf(ctx.env.virtualClock)(
    'sleepers wake at their deadlines, in deadline order; 10 s take no host time',
    () =>
      ctx.run({}, async ({ sched, now, halts }) => {
        const woke: [string, number][] = [];
        // biome-ignore lint/style/noRestrictedGlobals: the kit runs on the host and measures host time on purpose
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
              woke.push([n, now()]);
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
        // biome-ignore lint/style/noRestrictedGlobals: host time, as above
        expect(performance.now() - host0).toBeLessThan(1000);
        expect(halts()).toBeLessThan(10);
      }),
  );

  it('interrupt wakes an interruptible wait with -EINTR; a pending one fails the next wait', () =>
    ctx.run({}, async ({ sched }) => {
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
    }));

  it('a device interrupt handler wakes a waiter while the CPU idles', () =>
    ctx.run({}, async ({ sched, plat, now, at: atTime, irq }) => {
      await sched.runMain(async () => {
        const wq = sched.waitQueue();
        let data = 0;
        plat.irq.register(irq.line, () => {
          irq.ack();
          data = 99;
          wq.wakeAll();
          return true;
        });
        atTime(5_000_000, () => irq.raise());
        expect(await wq.waitEvent(() => data !== 0)).toBe(0);
        expect(data).toBe(99);
        at(now(), 5_000_000);
        return 0;
      });
    }));

  it('sleepUntil a past deadline returns at once; sleep(0) does not park', () =>
    ctx.run({}, async ({ sched, now }) => {
      await sched.runMain(async () => {
        await sched.sleep(1000);
        const t1 = now();
        expect(await sched.sleepUntil(sched.now() - 1)).toBe(0);
        expect(await sched.sleep(0)).toBe(0);
        at(t1, 1000);
        if (ctx.env.virtualClock) expect(now()).toBe(t1);
        return 0;
      });
    }));
}
