import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { RkMutex } from '../src/mutex';
import { setup } from './helpers';

describe('RkMutex', () => {
  it('tracks the owner; refuses unlock by a non-owner and non-recursive relock', async () => {
    const { sched } = setup();
    await sched.runMain(async () => {
      const m = new RkMutex(sched);
      expect(await m.lock()).toBe(0);
      expect(m.owner).toBe(sched.current());
      expect(await m.lock()).toBe(-Errno.EDEADLK);
      expect(m.tryLock()).toBe(-Errno.EDEADLK);
      const other = sched.spawn('other', () => {
        expect(m.unlock()).toBe(-Errno.EPERM);
        return m.tryLock();
      });
      expect(await sched.join(other)).toBe(-Errno.EBUSY);
      expect(m.unlock()).toBe(0);
      expect(m.unlock()).toBe(-Errno.EPERM);
      return 0;
    });
  });

  it('recursive mutexes count their depth', async () => {
    const { sched } = setup();
    await sched.runMain(async () => {
      const m = new RkMutex(sched, { recursive: true });
      await m.lock();
      await m.lock();
      expect(m.tryLock()).toBe(0);
      m.unlock();
      m.unlock();
      expect(m.locked).toBe(true);
      m.unlock();
      expect(m.locked).toBe(false);
      return 0;
    });
  });

  it('many threads contending keep the critical section exclusive and are served FIFO', async () => {
    const { sched } = setup();
    const m = new RkMutex(sched);
    let inside = 0;
    let total = 0;
    const order: number[] = [];
    await sched.runMain(async () => {
      const ts = Array.from({ length: 16 }, (_, i) =>
        sched.spawn(`t${i}`, async () => {
          for (let k = 0; k < 10; k++) {
            await m.lock();
            if (k === 0) order.push(i);
            inside++;
            expect(inside).toBe(1);
            for (let s = 0; s < 150; s++) await sched.preemptPoint(); // get preempted while holding it
            total++;
            inside--;
            m.unlock();
            await sched.yield();
          }
        }),
      );
      for (const t of ts) await sched.join(t);
      return 0;
    });
    expect(total).toBe(160);
    expect(order).toEqual([...Array(16).keys()]);
    expect(m.contended).toBeGreaterThan(0);
    expect(sched.stats().preemptions).toBeGreaterThan(0);
  });

  it('timedLock really times out at the deadline, and the mutex keeps working', async () => {
    const { sched, plat } = setup();
    await sched.runMain(async () => {
      const m = new RkMutex(sched);
      await m.lock();
      const w = sched.spawn('waiter', async () => {
        const t0 = plat.time.monotonicNs();
        const r = await m.timedLock(2_000_000);
        expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(2_000_000);
        expect(plat.time.monotonicNs() - t0).toBeLessThan(2_100_000);
        return r;
      });
      await sched.sleep(5_000_000);
      expect(await sched.join(w)).toBe(-Errno.ETIMEDOUT);
      m.unlock();
      const x = sched.spawn('x', async () => {
        const r = await m.timedLock(1000);
        m.unlock();
        return r;
      });
      expect(await sched.join(x)).toBe(0);
      return 0;
    });
  });

  it('a signal (interrupt) does not break a mutex wait', async () => {
    const { sched } = setup();
    await sched.runMain(async () => {
      const m = new RkMutex(sched);
      await m.lock();
      const w = sched.spawn('w', async () => {
        const r = await m.lock();
        m.unlock();
        return r;
      });
      await sched.yield();
      sched.interrupt(w);
      await sched.yield();
      expect(w.state).toBe('blocked');
      m.unlock();
      expect(await sched.join(w)).toBe(0);
      return 0;
    });
  });
});

describe('RkMutex priority inheritance', () => {
  for (const pi of [false, true]) {
    it(`${pi ? 'with' : 'without'} inheritance: a high-priority waiter ${pi ? 'is not' : 'is'} delayed by a middle-priority hog`, async () => {
      const { sched, plat } = setup();
      let highGot = -1;
      let midDone = -1;
      let lowBoosted = false;
      await sched.runMain(async () => {
        const m = new RkMutex(sched, { priorityInheritance: pi });
        const high = sched.spawn(
          'high',
          async () => {
            await sched.sleep(100_000);
            await m.lock();
            highGot = plat.time.monotonicNs();
            m.unlock();
          },
          { prio: 10 },
        );
        const mid = sched.spawn(
          'mid',
          async () => {
            await sched.sleep(200_000);
            for (let i = 0; i < 20_000; i++) await sched.preemptPoint(); // 20 ms CPU hog
            midDone = plat.time.monotonicNs();
          },
          { prio: 5 },
        );
        const low = sched.spawn(
          'low',
          async () => {
            await m.lock();
            for (let i = 0; i < 2000; i++) {
              await sched.preemptPoint(); // 2 ms of work holding the lock
              if (sched.current().prio === 10) lowBoosted = true;
            }
            m.unlock();
          },
          { prio: 1 },
        );
        for (const t of [low, high, mid]) await sched.join(t);
        expect(low.prio).toBe(1); // restored after the boost
        return 0;
      });
      expect(lowBoosted).toBe(pi);
      if (pi) expect(highGot).toBeLessThan(midDone);
      else expect(highGot).toBeGreaterThan(midDone);
    });
  }
});
