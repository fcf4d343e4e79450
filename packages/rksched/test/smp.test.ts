// The SMP scheduler on the machine model (-smp 4): one core per hart, placement on the least-loaded
// CPU, pinning with attr.cpu, migration with setAffinity (running, ready and blocked threads), IPI
// wake-ups across harts; and the single-CPU scheduler's answers to the same calls.
import type { RkPlat } from '@runikraft/rkplat';
import { describe, expect, it } from 'vitest';
import type { Hart, ImageEntry } from '../../../platforms/qemu-riscv/src/isa/hart';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { platEntry } from '../../../platforms/qemu-riscv/src/plat/entry';
import { platSecondaryEntry } from '../../../platforms/qemu-riscv/src/plat/smp';
import { createRrPolicy } from '../../rksched-rr/src/index';
import { createSched, type RkSched } from '../src/index';

async function onMachine(smp: number, body: (sched: RkSched, plat: RkPlat) => Promise<void>) {
  let out = '';
  const m = new Machine({ console: (t) => (out += t), clock: 'virtual', memory: 16 << 20, smp });
  const entry: ImageEntry = Object.assign(
    (h: Hart, a0: number, a1: number) =>
      platEntry(h, a0, a1, async (plat) => {
        const rr = () => createRrPolicy({ sliceNs: 1_000_000 });
        const sched = createSched(plat, rr(), { policyFor: rr });
        return sched.runMain(async () => {
          await body(sched, plat);
          return 0;
        });
      }),
    { secondary: platSecondaryEntry },
  );
  const exit = await m.boot(entry);
  expect(exit.status, out).toBe(0);
}

describe('rksched on -smp 4', () => {
  it('places threads on the least-loaded CPU, pins with attr.cpu, migrates with setAffinity', async () => {
    await onMachine(4, async (sched, plat) => {
      const where: number[] = [];
      const spread = [0, 1, 2].map((i) =>
        sched.spawn(`w${i}`, () => {
          where.push(plat.lcpu.id());
        }),
      );
      for (const t of spread) await sched.join(t);
      expect(where).toEqual([1, 2, 3]); // main occupies CPU 0

      // a running thread moves at its next preemption point
      const trail: number[] = [];
      const mover = sched.spawn(
        'mover',
        async () => {
          trail.push(plat.lcpu.id());
          sched.setAffinity(sched.current(), 2);
          await sched.yield();
          trail.push(plat.lcpu.id(), sched.cpuOf(sched.current()));
          await sched.sleep(1_000_000); // blocked: moved when woken
          trail.push(plat.lcpu.id());
        },
        { cpu: 1 },
      );
      while (trail.length < 3) await sched.sleep(100_000);
      sched.setAffinity(mover, 3);
      await sched.join(mover);
      expect(trail).toEqual([1, 2, 2, 3]);

      expect(() => sched.setAffinity(sched.current(), 4)).toThrow(/cpu 4 does not exist/);
      expect(() => sched.spawn('nowhere', () => {}, { cpu: 7 })).toThrow(/cpu 7 does not exist/);
    });
  });

  it('a thread on another hart wakes a sleeper on CPU 0 through an IPI', async () => {
    await onMachine(4, async (sched, plat) => {
      const wq = sched.waitQueue();
      let woke = -1;
      const waiter = sched.spawn(
        'waiter',
        async () => {
          expect(await wq.wait()).toBe(0);
          woke = plat.lcpu.id();
        },
        { cpu: 0 },
      );
      const waker = sched.spawn(
        'waker',
        async () => {
          await sched.sleep(5_000_000);
          expect(wq.wakeOne()).not.toBeNull();
        },
        { cpu: 3 },
      );
      await sched.join(waker);
      await sched.join(waiter);
      expect(woke).toBe(0);
    });
  });
  it('each CPU has its own halt guard: a thread halting on CPU 3 is refused while CPU 0 idles', async () => {
    await onMachine(4, async (sched, plat) => {
      let refused = '';
      const t = sched.spawn(
        'halter',
        async () => {
          await sched.sleep(1_000_000); // CPU 0 idles meanwhile (main waits in join)
          await plat.lcpu.halt().catch((e: Error) => {
            refused = e.message;
          });
        },
        { cpu: 3 },
      );
      await sched.join(t);
      expect(refused).toMatch(/plat\.lcpu\.halt\(\) called from thread "halter"/);
    });
  });
});

describe('rksched on one CPU', () => {
  it('setAffinity/cpuOf/attr.cpu accept CPU 0 only', async () => {
    await onMachine(1, async (sched) => {
      const me = sched.current();
      expect(sched.cpuOf(me)).toBe(0);
      sched.setAffinity(me, 0);
      expect(() => sched.setAffinity(me, 1)).toThrow(/cpu 1 does not exist/);
      expect(() => sched.spawn('x', () => {}, { cpu: 1 })).toThrow(/CPU 0 only/);
      expect(() => sched.spawn('y', () => {}, { cpu: -1 })).toThrow(/not a CPU index/);
    });
  });
});
