import { Errno } from '@runikraft/errno';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RkMbox } from '../src/mbox';

function setup() {
  const plat = createSimPlat({ cpuNsPerPoll: 1000 });
  return { plat, sched: createSched(plat, createRrPolicy({ sliceNs: 50_000 })) };
}

describe('RkMbox', () => {
  it('producers and consumers exchange every message exactly once, in per-producer order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        async (cap, np, nc) => {
          const { sched } = setup();
          const box = new RkMbox<[number, number]>(sched, cap);
          const got: [number, number][] = [];
          const N = 20;
          await sched.runMain(async () => {
            const ps = Array.from({ length: np }, (_, p) =>
              sched.spawn(`p${p}`, async () => {
                for (let i = 0; i < N; i++) expect(await box.post([p, i])).toBe(0);
              }),
            );
            const cs = Array.from({ length: nc }, (_, c) =>
              sched.spawn(`c${c}`, async () => {
                for (;;) {
                  const r = await box.recv(5_000_000);
                  if (!r.ok) return r.errno;
                  got.push(r.msg);
                }
              }),
            );
            for (const p of ps) await sched.join(p);
            for (const c of cs) expect(await sched.join(c)).toBe(Errno.ETIMEDOUT);
            return 0;
          });
          expect(got.length).toBe(np * N);
          for (let p = 0; p < np; p++)
            expect(got.filter(([q]) => q === p).map(([, i]) => i)).toEqual([...Array(N).keys()]);
        },
      ),
      { numRuns: 20, seed: 3 },
    );
  });

  it('try variants never park; timed variants time out at the deadline', async () => {
    const { sched, plat } = setup();
    await sched.runMain(async () => {
      const box = new RkMbox<string>(sched, 1);
      expect(box.tryRecv()).toEqual({ ok: false, errno: Errno.EAGAIN });
      expect(box.tryPost('a')).toBe(0);
      expect(box.tryPost('b')).toBe(-Errno.EAGAIN);
      let t0 = plat.time.monotonicNs();
      expect(await box.post('c', 2_000_000)).toBe(-Errno.ETIMEDOUT);
      expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(2_000_000);
      expect(box.tryRecv()).toEqual({ ok: true, msg: 'a' });
      t0 = plat.time.monotonicNs();
      expect(await box.recv(1_000_000)).toEqual({ ok: false, errno: Errno.ETIMEDOUT });
      expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(1_000_000);
      expect(() => new RkMbox(sched, 0)).toThrow(
        expect.objectContaining({ name: 'RkError', errno: Errno.EINVAL }),
      );
      return 0;
    });
  });

  it('an interrupt handler posts with tryPost and wakes a receiver', async () => {
    const { sched, plat } = setup();
    await sched.runMain(async () => {
      const box = new RkMbox<number>(sched, 4);
      plat.irq.register(5, () => box.tryPost(123) === 0);
      plat.at(7_000_000, () => plat.raise(5));
      expect(await box.recv()).toEqual({ ok: true, msg: 123 });
      expect(plat.time.monotonicNs()).toBe(7_000_000);
      return 0;
    });
  });
});
