// Preemption at import calls (src/suspend/preempt.ts): a C program that computes without ever
// blocking, making only calls the kernel answers at once, no longer keeps the CPU until it exits.
// On a simulated scheduler (each preemption point costs 50 µs of its virtual CPU time, round-robin
// slices of 1 ms), a TypeScript thread sleeping 1 ms at a time wakes while the program runs and
// sees it progress by a bounded number of calls between two wake-ups — under asyncify and JSPI.
// With libc's preemption off (0) the thread does not run at all until the program exits. A program
// that blocks gets the same results and the same count of blocking suspensions either way. Under
// asyncify, clock_gettime and getentropy loops are preempted in programs rk build marked (it
// instruments those imports too); an unmarked asyncified program is preempted only at the calls
// that can block, and runs correctly.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWasm, WASI_BLOCKING_IMPORTS } from '@runikraft/rk';
import { createSched, type RkSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import {
  ASYNCIFY_IMPORTS_SECTION,
  asyncifyMark,
  hasJspi,
  PREEMPT_MAX_CALLS,
  runWasi,
  type WasiKernel,
} from '../src/index';
import { program, SHIM, testKernel } from './helpers';
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
  wasm: Uint8Array = readFileSync(program('calls.c')),
) {
  const { k, sched, vfs, out } = await setup();
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

      for (const [mode, out] of [
        ['clock', `clock ${CALLS}\n`],
        ['random', `random ${CALLS}\n`],
      ] as const)
        it(`${mode} calls are preemption points (asyncify: rk build instruments them and marks the build)`, async () => {
          const {
            r,
            samples,
            out: printed,
          } = await withTicker(suspend, ['calls', mode, String(CALLS)], undefined, async () => 1);
          expect(printed).toBe(out);
          expect(r.status).toBe(0);
          expect(r.preemptions).toBeGreaterThan(0);
          expect(samples.length).toBeGreaterThan(1);
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

/** `wasm` without its custom sections named `name` (the other bytes kept). */
function stripCustom(wasm: Uint8Array, name: string): Uint8Array {
  const leb = (at: number): [number, number] => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = wasm[at++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return [v, at];
    }
  };
  const keep: Uint8Array[] = [wasm.subarray(0, 8)];
  for (let at = 8; at < wasm.length; ) {
    const [size, body] = leb(at + 1);
    const [len, str] = leb(body);
    const custom =
      wasm[at] === 0 && new TextDecoder().decode(wasm.subarray(str, str + len)) === name;
    if (!custom) keep.push(wasm.subarray(at, body + size));
    at = body + size;
  }
  return Buffer.concat(keep);
}

const hasMark = (wasm: Uint8Array): boolean =>
  WebAssembly.Module.customSections(new WebAssembly.Module(wasm), ASYNCIFY_IMPORTS_SECTION).length >
  0;

/**
 * calls.c asyncified as a prebuilt program would be: rk build's plain output through wasm-opt
 * with only the imports that can block instrumented (clock_time_get and random_get not), unmarked,
 * and without rk's save area (so its first suspension grows memory for one).
 */
function prebuiltAsyncified(): Uint8Array {
  const plain = buildWasm({
    sources: [join(__dirname, 'programs', 'calls.c')],
    shim: SHIM,
    asyncify: false,
  });
  const dir = mkdtempSync(join(tmpdir(), 'rk-prebuilt-'));
  try {
    const out = join(dir, 'calls.wasm');
    const list = WASI_BLOCKING_IMPORTS.map((n) => `wasi_snapshot_preview1.${n}`).join(',');
    execFileSync('wasm-opt', [
      plain,
      '--asyncify',
      `--pass-arg=asyncify-imports@${list}`,
      '-O2',
      '-o',
      out,
    ]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('preemption of an asyncified program rk build did not mark', () => {
  const cases: [string, () => Uint8Array][] = [
    [
      'rk-built with its mark stripped',
      () => stripCustom(readFileSync(program('calls.c')), ASYNCIFY_IMPORTS_SECTION),
    ],
    ['asyncified elsewhere without clock_time_get and random_get instrumented', prebuiltAsyncified],
  ];
  for (const [what, bytes] of cases)
    it(`${what}: not preempted at clock or getentropy calls, and runs correctly`, async () => {
      const wasm = bytes();
      expect(hasMark(wasm)).toBe(false);
      for (const mode of ['clock', 'random']) {
        const { r, samples, out } = await withTicker(
          'asyncify',
          ['calls', mode, String(CALLS)],
          undefined,
          async () => 1,
          wasm,
        );
        expect(out).toBe(`${mode} ${CALLS}\n`);
        expect(r.status).toBe(0);
        expect(r.preemptions).toBe(0);
        expect(samples.length).toBeLessThanOrEqual(1);
      }
      // Its blocking calls are still preemption points.
      const { r, out } = await withTicker(
        'asyncify',
        ['calls', 'write', '/tmp/busy', String(CALLS)],
        undefined,
        async () => 1,
        wasm,
      );
      expect(out).toBe(`wrote ${CALLS}\n`);
      expect(r.preemptions).toBeGreaterThan(0);
    }, 300_000);

  it("rk build's mark names the asyncify-imports list, clock_time_get and random_get included", () => {
    const mark = asyncifyMark(new WebAssembly.Module(readFileSync(program('calls.c'))));
    expect(mark).not.toBeNull();
    const names = [...mark!];
    expect(names).toContain('wasi_snapshot_preview1.clock_time_get');
    expect(names).toContain('wasi_snapshot_preview1.random_get');
    for (const n of WASI_BLOCKING_IMPORTS) expect(names).toContain(`wasi_snapshot_preview1.${n}`);
    expect(names).not.toContain('wasi_snapshot_preview1.args_get');
  });
});
