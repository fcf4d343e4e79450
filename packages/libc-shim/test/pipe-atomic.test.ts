// PIPE_BUF through the C path: two C programs write with write(2) into one pipe (their stdout: one
// open file shared, as after fork) — `a` in blocks of PIPE_BUF bytes, `b` in blocks of 1,000 —
// while a slow reader drains it 1,000 bytes at a time, so both wait on a full pipe and wake as it
// drains. Each freed 1,000 bytes lets `b` in but never part of an `a` block: a write of at most
// PIPE_BUF bytes is atomic (posix's pipe), so every `a` block arrives whole, between `b` blocks.
// The writers' blocking writes each return whole, under asyncify and JSPI.
import { readFileSync } from 'node:fs';
import { PIPE_BUF } from '@runikraft/posix';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import { hasJspi, runWasi } from '../src/index';
import { wasiProcess } from '../src/wasi/kernel';
import { program, testKernel } from './helpers';

const WRITERS = [
  { letter: 'a', count: 40, size: PIPE_BUF },
  { letter: 'b', count: 200, size: 1000 },
];

describe('a pipe shared by two C writers', () => {
  for (const suspend of ['asyncify', 'jspi'] as const)
    it.skipIf(suspend === 'jspi' && !hasJspi())(
      `writes of at most PIPE_BUF bytes never interleave; blocked writers wake as the reader drains (${suspend})`,
      async () => {
        const { k } = await testKernel();
        const sched = createSched(createSimPlat(), createRrPolicy());
        const kernel = { ...k, sched, sleepNs: (ns: number) => sched.sleep(ns) };
        const wasm = readFileSync(program('blocks.c'));
        const chunks: Uint8Array[] = [];
        const status: number[] = [];
        await sched.runMain(async () => {
          const holder = wasiProcess(kernel, ['holder'], []);
          const [r, w] = holder.pipe() as [number, number];
          const shared = holder.fdtab.get(w)!;
          const threads = WRITERS.map(({ letter, count, size }) => {
            const args = ['blocks', letter, String(count), String(size)];
            const px = wasiProcess(kernel, args, []);
            // Descriptor 1 is the shared write end; 0 and 2 come from the kernel at start.
            expect(px.fdtab.installOpen(shared, false, 1)).toBe(1);
            return sched.spawn(`blocks-${letter}`, async () => {
              status.push((await runWasi(kernel, wasm, { args, process: px, suspend })).status);
            });
          });
          await holder.close(w);
          // Let both fill the pipe and park, then drain it slowly.
          await sched.sleep(10_000_000);
          for (;;) {
            const buf = new Uint8Array(1000);
            const n = await holder.read(r, buf);
            expect(n).toBeGreaterThanOrEqual(0);
            if (n === 0) break;
            chunks.push(buf.subarray(0, n));
            await sched.sleep(100_000);
          }
          for (const t of threads) await sched.join(t);
          return 0;
        });
        expect(status).toEqual([0, 0]);
        const stream = Buffer.concat(chunks).toString('latin1');
        expect(stream.length).toBe(WRITERS.reduce((n, x) => n + x.count * x.size, 0));
        // Runs of one letter; each run is whole blocks of its writer (a run of `a` may hold several).
        const runs = stream.match(/a+|b+/g) ?? [];
        expect(runs.join('')).toBe(stream);
        for (const run of runs) {
          const size = run[0] === 'a' ? PIPE_BUF : 1000;
          expect(run.length % size, `a run of ${run.length} ${run[0]}`).toBe(0);
        }
        // The writers really shared the pipe: `a` blocks arrived between `b` blocks. (Without
        // atomicity `a`, woken first, takes each 1,000 freed bytes for part of its block and `b`
        // never gets in until `a` is done — or, in another order, a run above is cut mid-block.)
        expect(runs.filter((x) => x[0] === 'a').length).toBeGreaterThan(1);
      },
      300_000,
    );
});
