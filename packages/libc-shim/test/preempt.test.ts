// Preemption at import calls (src/suspend/preempt.ts): a C program that computes without ever
// blocking, making only calls the kernel answers at once, no longer keeps the CPU until it exits.
// On a simulated scheduler (each preemption point costs 50 µs of its virtual CPU time, round-robin
// slices of 1 ms), a TypeScript thread sleeping 1 ms at a time wakes while the program runs and
// sees it progress by a bounded number of calls between two wake-ups — under asyncify and JSPI.
// With libc's preemption off (0) the thread does not run at all until the program exits. A program
// that blocks gets the same results and the same count of blocking suspensions either way.
import { readFileSync } from 'node:fs';
import { createSched, type RkSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import { hasJspi, PREEMPT_MAX_CALLS, runWasi, type WasiKernel } from '../src/index';
import { program, testKernel } from './helpers';
import { waitingRamfs } from './waitfs';

const CALLS = 50_000;
const POLL_NS = 50_000;
const SLICE_NS = 1_000_000;

async function setup() {
  const base = await testKernel();
  const sched: RkSched = createSched(
    createSimPlat({ cpuNsPerPoll: POLL_NS }),
    createRrPolicy({ sliceNs: SLICE_NS }),
  );
  const k: WasiKernel = { ...base.k, sched, sleepNs: (ns) => sched.sleep(ns) };
  return { ...base, k, sched };
}

/**
 * Runs `args` in the main thread while a ticker thread sleeps 1 ms at a time and samples
 * `progress()` at each wake-up; @returns the run's result and the samples taken while it ran.
 */
async function withTicker(
  suspend: 'asyncify' | 'jspi',
  args: string[],
  preemptMs: number | undefined,
  progress: (vfs: Awaited<ReturnType<typeof setup>>['vfs']) => Promise<number>,
) {
  const { k, sched, vfs, out } = await setup();
  const wasm = readFileSync(program('calls.c'));
  const samples: number[] = [];
  let running = true;
  let result: Awaited<ReturnType<typeof runWasi>> | undefined;
  await sched.runMain(async () => {
    const ticker = sched.spawn('ticker', async () => {
      while (running) {
        await sched.sleep(1_000_000);
        if (running) samples.push(await progress(vfs));
      }
    });
    result = await runWasi(k, wasm, { args, suspend, preemptMs });
    running = false;
    await sched.join(ticker);
    return 0;
  });
  return { r: result!, samples, out: await out() };
}

const fileSize = (path: string) => async (vfs: Awaited<ReturnType<typeof setup>>['vfs']) => {
  const st = await vfs.stat(path);
  if (typeof st === 'number') return 0;
  return Number(st.size);
};

for (const suspend of ['asyncify', 'jspi'] as const)
  describe.skipIf(suspend === 'jspi' && !hasJspi())(
    `preemption at import calls (${suspend})`,
    () => {
      it('a busy program writing a byte per call lets a sleeping thread run at bounded intervals', async () => {
        const { r, samples, out } = await withTicker(
          suspend,
          ['calls', 'write', '/tmp/busy', String(CALLS)],
          undefined,
          fileSize('/tmp/busy'),
        );
        expect(out).toBe(`wrote ${CALLS}\n`);
        expect(r.status).toBe(0);
        // The ticker ran while the program was writing, many times.
        const during = samples.filter((n) => n > 0 && n < CALLS);
        expect(during.length).toBeGreaterThanOrEqual(10);
        // Between two wake-ups the program made at most a slice's worth of checks' calls: a slice
        // is SLICE_NS / POLL_NS checks of at most PREEMPT_MAX_CALLS calls each (plus the one at its
        // edges).
        const bound = (SLICE_NS / POLL_NS + 2) * PREEMPT_MAX_CALLS;
        for (let i = 1; i < during.length; i++)
          expect(during[i]! - during[i - 1]!).toBeLessThanOrEqual(bound);
        expect(r.preemptions).toBeGreaterThanOrEqual(during.length);
        // Preemptions are not blocking suspensions: ramfs answered every write at once.
        expect(r.suspensions).toBeLessThan(10);
      }, 300_000);

      it('with libc preemption off (0) the thread waits until the program exits', async () => {
        const { r, samples } = await withTicker(
          suspend,
          ['calls', 'write', '/tmp/busy', String(CALLS)],
          0,
          fileSize('/tmp/busy'),
        );
        expect(r.status).toBe(0);
        expect(r.preemptions).toBe(0);
        expect(samples.filter((n) => n < CALLS)).toEqual([]);
      }, 300_000);

      it(suspend === 'jspi'
        ? 'clock_gettime calls are preemption points too'
        : 'clock_gettime calls are not preemption points (asyncify instruments only the calls that can block)', async () => {
        const { r, samples } = await withTicker(
          suspend,
          ['calls', 'clock', String(CALLS)],
          undefined,
          async () => 1,
        );
        expect(r.status).toBe(0);
        if (suspend === 'jspi') {
          expect(r.preemptions).toBeGreaterThan(0);
          expect(samples.length).toBeGreaterThan(1);
        } else expect(r.preemptions).toBe(0);
      }, 300_000);

      it('a program that blocks gets the same results and blocking suspensions with preemption on or off', async () => {
        const runs = [];
        for (const preemptMs of [0, 1]) {
          const { k, sched, vfs, out } = await setup();
          vfs.registerFsType(waitingRamfs());
          expect(await vfs.mkdir('/wait', 0o777)).toBe(0);
          expect(await vfs.mount('none', '/wait', 'waitfs')).toBe(0);
          const wasm = readFileSync(program('calls.c'));
          const rs: Awaited<ReturnType<typeof runWasi>>[] = [];
          await sched.runMain(async () => {
            rs.push(
              await runWasi(k, wasm, {
                args: ['calls', 'write', '/wait/f', '300'],
                suspend,
                preemptMs,
              }),
            );
            rs.push(
              await runWasi(k, wasm, { args: ['calls', 'read', '/wait/f'], suspend, preemptMs }),
            );
            return 0;
          });
          runs.push({ out: await out(), rs: rs.map((x) => [x.status, x.suspensions]) });
        }
        expect(runs[0]!.out).toBe('wrote 300\nread 300\n');
        expect(runs[1]).toEqual(runs[0]);
        expect(runs[0]!.rs[0]![1]).toBeGreaterThanOrEqual(300);
      }, 300_000);

      it('a bad preemptMs is refused with its value', async () => {
        const { k } = await setup();
        await expect(
          runWasi(k, readFileSync(program('calls.c')), { args: ['calls'], suspend, preemptMs: -1 }),
        ).rejects.toThrow(/preemptMs must be a number of ms >= 0, not -1/);
      });
    },
  );
