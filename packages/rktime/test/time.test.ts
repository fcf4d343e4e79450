import { Errno } from '@runikraft/errno';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_THREAD_CPUTIME_ID } from '../src/clock';
import { createTimeApi } from '../src/index';

function setup() {
  const plat = createSimPlat({ cpuNsPerPoll: 1000 });
  const sched = createSched(plat, createRrPolicy());
  return { plat, sched, api: createTimeApi(plat.time, sched) };
}

describe('rktime', () => {
  it('a 10-second nanosleep is exact on the virtual clock and takes no host time', async () => {
    const { sched, api, plat } = setup();
    const host0 = performance.now();
    await sched.runMain(async () => {
      const t0 = api.clocks.nowNs(CLOCK_MONOTONIC);
      expect(await api.clocks.nanosleep(10e9)).toEqual({ ret: 0, remainingNs: 0 });
      expect(api.clocks.nowNs(CLOCK_MONOTONIC) - t0).toBe(10e9);
      expect(api.clocks.gettime(CLOCK_MONOTONIC)).toEqual({ sec: 10, nsec: 0 });
      expect(api.clocks.gettime(9)).toBe(-Errno.EINVAL);
      expect((await api.clocks.nanosleep(-1)).ret).toBe(-Errno.EINVAL);
      expect(api.clocks.nowNs(CLOCK_REALTIME)).toBeGreaterThan(1.6e18);
      // realtimeNs is the platform's wall clock to the ns (the number is rounded to 256 ns)
      plat.burn(3);
      const wall = plat.time.wallClockNs();
      expect(wall % 256n).not.toBe(0n);
      expect(api.clocks.realtimeNs()).toBe(wall);
      expect(BigInt(api.clocks.nowNs(CLOCK_REALTIME))).not.toBe(wall);
      expect(api.clocks.nowNs(CLOCK_THREAD_CPUTIME_ID)).toBeGreaterThanOrEqual(0);
      return 0;
    });
    expect(performance.now() - host0).toBeLessThan(500);
  });

  it('an interrupted nanosleep reports the time left', async () => {
    const { sched, api } = setup();
    await sched.runMain(async () => {
      const t = sched.spawn('s', async () => {
        const r = await api.clocks.nanosleep(5e6);
        expect(r.ret).toBe(-Errno.EINTR);
        expect(r.remainingNs).toBe(3e6);
      });
      await sched.sleep(2e6);
      sched.interrupt(t);
      await sched.join(t);
      return 0;
    });
  });

  it('absolute clock_nanosleep wakes at the deadline', async () => {
    const { sched, api, plat } = setup();
    await sched.runMain(async () => {
      expect(await api.clocks.clockNanosleep(CLOCK_MONOTONIC, 7e6, true)).toBe(0);
      expect(plat.time.monotonicNs()).toBe(7e6);
      return 0;
    });
  });

  it('a periodic timer drives a task every period, counting overruns without bursts', async () => {
    const { sched, api, plat } = setup();
    const ticks: number[] = [];
    let irqCalls = 0;
    await sched.runMain(async () => {
      const tm = api.timer(() => irqCalls++);
      expect(tm.arm(1e6, 2e6)).toBe(0);
      for (let i = 0; i < 5; i++) {
        expect(await tm.wait()).toBe(1);
        ticks.push(plat.time.monotonicNs());
      }
      plat.burn(7e6); // the task computed through 3 expiries without reaching a kernel entry
      await sched.preemptPoint();
      expect(await tm.wait()).toBe(3);
      tm.disarm();
      expect(await tm.wait(10e6)).toBe(-Errno.ETIMEDOUT);
      const one = api.timer();
      one.arm(3e6);
      expect(await one.wait()).toBe(1);
      expect(one.armed).toBe(false);
      return 0;
    });
    expect(ticks).toEqual([1e6, 3e6, 5e6, 7e6, 9e6]);
    expect(irqCalls).toBe(6); // one callback per fire; the overrun fire covered 3 expiries
  });
});
