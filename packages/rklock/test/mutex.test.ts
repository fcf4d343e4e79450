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
