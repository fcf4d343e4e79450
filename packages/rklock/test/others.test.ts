import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { RkCondVar } from '../src/condvar';
import { RkMutex } from '../src/mutex';
import { RkRwLock } from '../src/rwlock';
import { RkSemaphore } from '../src/semaphore';
import { RkSpinlock } from '../src/spinlock';
import { setup } from './helpers';

describe('RkSemaphore', () => {
  it('counts, hands units to waiters FIFO, and times out for real', async () => {
    const { sched, plat } = setup();
    await sched.runMain(async () => {
      const s = new RkSemaphore(sched, 1);
      expect(s.tryDown()).toBe(0);
      expect(s.tryDown()).toBe(-Errno.EAGAIN);
      const got: number[] = [];
      const ws = [0, 1, 2].map((i) =>
        sched.spawn(`w${i}`, async () => {
          expect(await s.down()).toBe(0);
          got.push(i);
        }),
      );
      await sched.yield();
      s.up();
      s.up();
      s.up();
      s.up();
      for (const w of ws) await sched.join(w);
      expect(got).toEqual([0, 1, 2]);
      expect(s.count).toBe(1);
      expect(await s.down()).toBe(0);
      const t0 = plat.time.monotonicNs();
      expect(await s.timedDown(3_000_000)).toBe(-Errno.ETIMEDOUT);
      expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(3_000_000);
      expect(() => new RkSemaphore(sched, -1)).toThrow(/non-negative/);
      return 0;
    });
  });
});

describe('RkRwLock', () => {
  it('admits readers together, writers alone, prefers writers, and times out', async () => {
    const { sched } = setup();
    await sched.runMain(async () => {
      const l = new RkRwLock(sched);
      const log: string[] = [];
      const r = (n: string) =>
        sched.spawn(n, async () => {
          await l.readLock();
          log.push(`${n}+${l.readers}`);
          await sched.sleep(1_000_000);
          l.unlock();
        });
      const r1 = r('r1');
      const r2 = r('r2');
      await sched.yield();
      expect(l.readers).toBe(2);
      expect(await l.writeLock(100_000)).toBe(-Errno.ETIMEDOUT);
      const w = sched.spawn('w', async () => {
        expect(await l.writeLock()).toBe(0);
        log.push('w');
        expect(l.tryReadLock()).toBe(-Errno.EBUSY);
        l.unlock();
      });
      await sched.yield();
      const r3 = r('r3'); // arrives while a writer waits: goes after it
      for (const t of [r1, r2, w, r3]) await sched.join(t);
      expect(log).toEqual(['r1+1', 'r2+2', 'w', 'r3+1']);
      expect(l.unlock()).toBe(-Errno.EPERM);
      return 0;
    });
  });
});

describe('RkCondVar', () => {
  it('waits and is signalled with the mutex re-acquired; a timed wait times out', async () => {
    const { sched, plat } = setup();
    await sched.runMain(async () => {
      const m = new RkMutex(sched);
      const cv = new RkCondVar(sched);
      let ready = false;
      const c = sched.spawn('consumer', async () => {
        await m.lock();
        while (!ready) expect(await cv.wait(m)).toBe(0);
        expect(m.owner?.name).toBe('consumer');
        m.unlock();
      });
      await sched.yield();
      await m.lock();
      ready = true;
      cv.signal();
      m.unlock();
      await sched.join(c);
      await m.lock();
      const t0 = plat.time.monotonicNs();
      expect(await cv.wait(m, 4_000_000)).toBe(-Errno.ETIMEDOUT);
      expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(4_000_000);
      expect(m.owner).toBe(sched.current());
      m.unlock();
      expect(await cv.wait(m)).toBe(-Errno.EPERM);
      return 0;
    });
  });
});

describe('RkSemaphore arguments', () => {
  it('refuses a negative or fractional count with RkError EINVAL', () => {
    const { sched } = setup();
    for (const n of [-1, 0.5, Number.NaN])
      expect(() => new RkSemaphore(sched, n)).toThrow(
        expect.objectContaining({ name: 'RkError', errno: Errno.EINVAL }),
      );
  });
});

describe('RkSpinlock', () => {
  it('disables interrupts while held and reports a self-deadlock', () => {
    const { plat } = setup();
    const s = new RkSpinlock(plat.lcpu, 'test');
    const f = s.lockIrqSave();
    expect(plat.lcpu.irqsDisabled()).toBe(true);
    expect(() => s.lockIrqSave()).toThrow(/taken twice on hart 0/);
    expect(plat.lcpu.irqsDisabled()).toBe(true); // the failed attempt restored its own flags only
    s.unlockIrqRestore(f);
    expect(plat.lcpu.irqsDisabled()).toBe(false);
    expect(s.with(() => plat.lcpu.irqsDisabled())).toBe(true);
    expect(() => s.unlockIrqRestore(0)).toThrow(
      expect.objectContaining({ name: 'RkError', errno: Errno.EPERM }),
    );
  });

  it('names the holding hart when another hart wants a lock whose holder parked', () => {
    const { plat } = setup();
    let hart = 2;
    const lcpu = Object.assign(Object.create(plat.lcpu), { id: () => hart });
    const s = new RkSpinlock(lcpu, 'test');
    s.lockIrqSave();
    hart = 1;
    let err: unknown;
    try {
      s.lockIrqSave();
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'RkError', errno: Errno.EDEADLK });
    expect((err as Error).message).toMatch(/wanted on hart 1 is held by hart 2/);
  });
});

describe('RkRwLock timed read', () => {
  it('readLock times out while a writer holds the lock, then succeeds', async () => {
    const { sched, plat } = setup();
    await sched.runMain(async () => {
      const l = new RkRwLock(sched);
      expect(l.tryWriteLock()).toBe(0);
      const r = sched.spawn('reader', async () => {
        const t0 = plat.time.monotonicNs();
        const res = await l.readLock(2_000_000);
        expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(2_000_000);
        return res;
      });
      expect(await sched.join(r)).toBe(-Errno.ETIMEDOUT);
      expect(l.unlock()).toBe(0);
      expect(await l.readLock(1000)).toBe(0);
      expect(l.readers).toBe(1);
      return 0;
    });
  });
});
