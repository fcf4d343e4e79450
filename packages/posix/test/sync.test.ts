import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MONOTONIC,
  CLOCK_REALTIME,
  PTHREAD_MUTEX_ERRORCHECK,
  PTHREAD_MUTEX_NORMAL,
  PTHREAD_MUTEX_RECURSIVE,
  type RkPthread,
  type RkPthreadCond,
  type RkPthreadMutex,
  type RkTimespec,
} from '../src/index';
import { setup } from './helpers';

/** An absolute time `ns` from now on clock `id`. */
const after = (clock: (id: number) => number, id: number, ns: number): RkTimespec => {
  const t = clock(id) + ns;
  return { sec: Math.floor(t / 1e9), nsec: t % 1e9 };
};

describe('mutex kinds', () => {
  it('error-checking: relock EDEADLK, unlock by non-owner or unlocked EPERM, destroy while locked EBUSY', async () => {
    const { px, run } = setup();
    await run(async () => {
      const m = px.mutex(PTHREAD_MUTEX_ERRORCHECK) as RkPthreadMutex;
      expect(await m.lock()).toBe(0);
      expect(await m.lock()).toBe(-Errno.EDEADLK);
      expect(m.trylock()).toBe(-Errno.EBUSY);
      expect(await m.timedlock({ sec: 0, nsec: 0 })).toBe(-Errno.EDEADLK);
      expect(m.destroy()).toBe(-Errno.EBUSY);
      const t = px.pthreadCreate(async () => m.unlock()) as RkPthread;
      const out = { value: 0 as unknown };
      await px.threads.join(t, out);
      expect(out.value).toBe(-Errno.EPERM);
      expect(m.unlock()).toBe(0);
      expect(m.unlock()).toBe(-Errno.EPERM);
      expect(m.destroy()).toBe(0);
      expect(px.mutex(7)).toBe(-Errno.EINVAL);
    });
  });

  it('recursive: the owner relocks and must unlock as often; others wait until the last unlock', async () => {
    const { px, sched, run } = setup();
    await run(async () => {
      const m = px.mutex(PTHREAD_MUTEX_RECURSIVE) as RkPthreadMutex;
      expect(await m.lock()).toBe(0);
      expect(await m.lock()).toBe(0);
      expect(m.trylock()).toBe(0);
      let got = false;
      const t = px.pthreadCreate(async () => {
        expect(m.trylock()).toBe(-Errno.EBUSY);
        expect(m.unlock()).toBe(-Errno.EPERM);
        await m.lock();
        got = true;
        m.unlock();
      }) as RkPthread;
      for (let i = 0; i < 3; i++) {
        await sched.sleep(1000);
        expect(got).toBe(false);
        expect(m.unlock()).toBe(0);
      }
      await px.threads.join(t);
      expect(got).toBe(true);
    });
  });

  it('normal: a relock by the owner deadlocks (timedlock gives ETIMEDOUT at the deadline); trylock EBUSY', async () => {
    const { px, plat, run, clocks } = setup();
    const clock = (id: number) => clocks.nowNs(id as 0 | 1);
    await run(async () => {
      const m = px.mutex(PTHREAD_MUTEX_NORMAL) as RkPthreadMutex;
      expect(await m.lock()).toBe(0);
      expect(m.trylock()).toBe(-Errno.EBUSY);
      const t0 = plat.time.monotonicNs();
      expect(await m.timedlock(after(clock, CLOCK_REALTIME, 4_000_000))).toBe(-Errno.ETIMEDOUT);
      const dt = plat.time.monotonicNs() - t0;
      expect(dt).toBeGreaterThanOrEqual(4_000_000);
      expect(dt).toBeLessThan(4_100_000);
      expect(await m.timedlock({ sec: 1, nsec: 2e9 })).toBe(-Errno.EINVAL);
      expect(m.unlock()).toBe(0);
      // Timed lock against another owner: gives up at the deadline, or gets it when released.
      const holder = px.pthreadCreate(async () => {
        await m.lock();
        await px.sched.sleep(10_000_000);
        m.unlock();
      }) as RkPthread;
      await px.sched.yield();
      expect(await m.timedlock(after(clock, CLOCK_REALTIME, 2_000_000))).toBe(-Errno.ETIMEDOUT);
      expect(await m.timedlock(after(clock, CLOCK_MONOTONIC, 20_000_000), CLOCK_MONOTONIC)).toBe(0);
      m.unlock();
      await px.threads.join(holder);
    });
  });
});

describe('condition variables and rwlocks', () => {
  it('timed wait ends at its deadline on the virtual clock with the mutex held; signal wakes a waiter', async () => {
    const { px, plat, run, clocks } = setup();
    const clock = (id: number) => clocks.nowNs(id as 0 | 1);
    await run(async () => {
      const m = px.mutex(PTHREAD_MUTEX_ERRORCHECK) as RkPthreadMutex;
      const c = px.cond(CLOCK_MONOTONIC) as RkPthreadCond;
      expect(px.cond(5)).toBe(-Errno.EINVAL);
      expect(await c.wait(m)).toBe(-Errno.EPERM); // not holding m
      await m.lock();
      const t0 = plat.time.monotonicNs();
      expect(await c.timedwait(m, after(clock, CLOCK_MONOTONIC, 6_000_000))).toBe(-Errno.ETIMEDOUT);
      expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(6_000_000);
      expect(m.trylock()).toBe(-Errno.EBUSY); // held again
      expect(await c.timedwait(m, { sec: 0, nsec: -1 })).toBe(-Errno.EINVAL);
      // A producer signals after 2 ms: the waiter returns 0 well before its 50 ms deadline.
      let ready = false;
      const p = px.pthreadCreate(async () => {
        await px.sched.sleep(2_000_000);
        await m.lock();
        ready = true;
        c.signal();
        m.unlock();
      }) as RkPthread;
      const t1 = plat.time.monotonicNs();
      while (!ready)
        expect(await c.timedwait(m, after(clock, CLOCK_MONOTONIC, 50_000_000))).toBe(0);
      expect(plat.time.monotonicNs() - t1).toBeLessThan(3_000_000);
      expect(c.destroy()).toBe(0);
      m.unlock();
      await px.threads.join(p);
    });
  });

  it('broadcast wakes every waiter; destroy with waiters is EBUSY', async () => {
    const { px, sched, run } = setup();
    await run(async () => {
      const m = px.mutex() as RkPthreadMutex;
      const c = px.cond() as RkPthreadCond;
      let go = false;
      let woke = 0;
      const ts = [0, 1, 2].map(
        () =>
          px.pthreadCreate(async () => {
            await m.lock();
            while (!go) await c.wait(m);
            woke++;
            m.unlock();
          }) as RkPthread,
      );
      await sched.sleep(1000);
      expect(c.destroy()).toBe(-Errno.EBUSY);
      await m.lock();
      go = true;
      c.broadcast();
      m.unlock();
      for (const t of ts) await px.threads.join(t);
      expect(woke).toBe(3);
    });
  });

  it('rwlock: readers share, a writer excludes, timed write lock times out, unlock without hold EPERM', async () => {
    const { px, run, clocks } = setup();
    const clock = (id: number) => clocks.nowNs(id as 0 | 1);
    await run(async () => {
      const l = px.rwlock();
      expect(await l.rdlock()).toBe(0);
      expect(l.tryrdlock()).toBe(0);
      expect(l.trywrlock()).toBe(-Errno.EBUSY);
      const w = px.pthreadCreate(async () =>
        l.timedwrlock(after(clock, CLOCK_REALTIME, 1_000_000)),
      ) as RkPthread;
      const out = { value: 0 as unknown };
      await px.threads.join(w, out);
      expect(out.value).toBe(-Errno.ETIMEDOUT);
      expect(l.unlock()).toBe(0);
      expect(l.unlock()).toBe(0);
      expect(l.unlock()).toBe(-Errno.EPERM);
      expect(await l.wrlock()).toBe(0);
      expect(await l.rdlock()).toBe(-Errno.EDEADLK);
      expect(await l.timedrdlock(after(clock, CLOCK_REALTIME, 1000))).toBe(-Errno.EDEADLK);
      expect(l.unlock()).toBe(0);
    });
  });
});
