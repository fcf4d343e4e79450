// rklock and rkring under 4 harts of the real machine model (-smp 4, one rksched core per hart, one
// thread pinned to each): the mutex keeps a read-modify-write across a context switch atomic, the
// same code without it loses updates — identically on every run under the virtual clock — and the
// multi-producer/multi-consumer ring delivers every value exactly once, in order per producer.
import type { RkPlat } from '@runikraft/rkplat';
import { createSched, type RkSched } from '@runikraft/rksched';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import type { Hart, ImageEntry } from '../../../platforms/qemu-riscv/src/isa/hart';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { platEntry } from '../../../platforms/qemu-riscv/src/plat/entry';
import { platSecondaryEntry } from '../../../platforms/qemu-riscv/src/plat/smp';
import { RkRing } from '../../rkring/src/index';
import { RkMutex } from '../src/index';

const CPUS = 4;

/** Boots a 4-hart machine whose kernel runs `body` as main on an SMP round-robin scheduler. */
async function onSmp<T>(
  bios: 'default' | 'none',
  body: (sched: RkSched, plat: RkPlat) => Promise<T>,
): Promise<{ result: T; hartSwitches: number }> {
  let result: T | undefined;
  let out = '';
  const m = new Machine({
    console: (t) => (out += t),
    bios,
    clock: 'virtual',
    memory: 32 << 20,
    smp: CPUS,
  });
  const entry: ImageEntry = Object.assign(
    (h: Hart, a0: number, a1: number) =>
      platEntry(h, a0, a1, async (plat) => {
        const rr = () => createRrPolicy({ sliceNs: 1_000_000 });
        const sched = createSched(plat, rr(), { policyFor: rr });
        return sched.runMain(async () => {
          result = await body(sched, plat);
          return 0;
        });
      }),
    { secondary: platSecondaryEntry },
  );
  const exit = await m.boot(entry);
  expect(exit.status, out).toBe(0);
  return { result: result as T, hartSwitches: m.stats.hartSwitches };
}

/** One thread pinned to each CPU runs `work(cpu)`; @returns the CPUs each thread really ran on. */
async function onEveryCpu(
  sched: RkSched,
  plat: RkPlat,
  work: (cpu: number) => Promise<void>,
): Promise<number[][]> {
  const ranOn: number[][] = [];
  const threads = Array.from({ length: CPUS }, (_, cpu) => {
    ranOn.push([]);
    return sched.create(
      async () => {
        ranOn[cpu]!.push(plat.lcpu.id());
        await work(cpu);
        ranOn[cpu]!.push(plat.lcpu.id());
      },
      [],
      { cpu, name: `worker${cpu}` },
    );
  });
  for (const t of threads) await sched.join(t);
  return ranOn;
}

/** Each CPU adds 1 to a shared counter `rounds` times, with a context switch between read and write. */
async function counterRun(bios: 'default' | 'none', locked: boolean, rounds = 100) {
  return onSmp(bios, async (sched, plat) => {
    const mutex = new RkMutex(sched);
    let counter = 0;
    let inside = 0;
    let maxInside = 0;
    const ranOn = await onEveryCpu(sched, plat, async () => {
      for (let i = 0; i < rounds; i++) {
        if (locked) expect(await mutex.lock()).toBe(0);
        inside++;
        maxInside = Math.max(maxInside, inside);
        const v = counter;
        await sched.yield(); // a switch point: the other harts run here
        counter = v + 1;
        inside--;
        if (locked) expect(mutex.unlock()).toBe(0);
      }
    });
    return { counter, maxInside, ranOn, contended: mutex.contended };
  });
}

describe('rklock on -smp 4', () => {
  for (const bios of ['default', 'none'] as const) {
    it(`${bios}: a mutex keeps 4 harts' read-yield-write increments exact`, async () => {
      const { result, hartSwitches } = await counterRun(bios, true);
      expect(result.counter).toBe(400);
      expect(result.maxInside).toBe(1);
      expect(result.contended).toBeGreaterThan(0); // the harts really competed for it
      expect(result.ranOn).toEqual([0, 1, 2, 3].map((c) => [c, c])); // each thread on its own hart
      expect(hartSwitches).toBeGreaterThan(400);
    }, 60_000);
  }

  it('without the mutex the same code loses updates, and loses the same ones on every run', async () => {
    const a = await counterRun('default', false);
    expect(a.result.maxInside).toBeGreaterThan(1);
    expect(a.result.counter).toBeLessThan(400);
    const b = await counterRun('default', false);
    expect(b.result.counter).toBe(a.result.counter);
    expect(b.hartSwitches).toBe(a.hartSwitches);
  }, 60_000);
});

describe('rkring on -smp 4', () => {
  it('2 producers and 2 consumers on 4 harts: every value once, FIFO per producer', async () => {
    const PER_PRODUCER = 300;
    const { result } = await onSmp('default', async (sched, plat) => {
      const free = plat.memory.regions().find((r) => r.type === 'free' && r.len >= 4096)!;
      const ring = RkRing.create(plat.memory.phys, free.pbase, 16, {
        multiProducer: true,
        multiConsumer: true,
      });
      const got: number[][] = [[], []];
      let consumed = 0;
      let producerWaits = 0;
      await onEveryCpu(sched, plat, async (cpu) => {
        if (cpu < 2) {
          for (let i = 0; i < PER_PRODUCER; i++) {
            while (ring.enqueue((cpu << 16) | i) !== 0) {
              producerWaits++;
              await sched.yield();
            }
            if (i % 40 === 39) await sched.yield(); // bursts longer than the ring
          }
          return;
        }
        while (consumed < 2 * PER_PRODUCER) {
          const v = ring.dequeue();
          if (v === null) {
            await sched.yield();
            continue;
          }
          consumed++;
          got[cpu - 2]!.push(v);
          if (v % 5 === 0) await sched.yield();
        }
      });
      return { got, producerWaits, left: ring.count() };
    });
    const all = [...result.got[0]!, ...result.got[1]!];
    expect(all).toHaveLength(2 * PER_PRODUCER);
    expect(result.left).toBe(0);
    for (const p of [0, 1]) {
      const mine = all.filter((v) => v >>> 16 === p).map((v) => v & 0xffff);
      expect(mine.sort((x, y) => x - y)).toEqual(Array.from({ length: PER_PRODUCER }, (_, i) => i));
      // each consumer sees one producer's values in the order they were produced
      for (const seen of result.got)
        for (let i = 1, prev = -1; i <= seen.length; i++) {
          const v = seen[i - 1]!;
          if (v >>> 16 !== p) continue;
          expect(v & 0xffff).toBeGreaterThan(prev);
          prev = v & 0xffff;
        }
    }
    expect(result.got[0]!.length).toBeGreaterThan(0);
    expect(result.got[1]!.length).toBeGreaterThan(0); // both consumers took part
    expect(result.producerWaits).toBeGreaterThan(0); // the ring filled up: producers outran consumers
  }, 60_000);
});
