/// <reference path="../../../../packages/libc-shim/src/wasm/webassembly.d.ts" />
// Issue 12: libc call cost in a booted image (bench:wasiboot). apps/libc-calls boots calls.c
// (packages/libc-shim/test/programs/calls.c) as its main on the machine: the same loops as
// bench:wasi's in-process rows (clock_gettime monotonic and realtime, a 1-byte write to /dev/null
// and to a ramfs file, lseek, fstat, 4 KiB pread/pwrite, sched_yield), through asyncify (the
// asyncified build) and JSPI (the plain build, as rk build's images choose), against node:wasi on
// the same .wasm in the same run. ns per call = (median host CPU of a boot making N calls - median
// of a boot making 0) / N, after one discarded boot per row; compiled code is kept warm (the guest
// realm's WebAssembly.compile keeps its modules, so V8 reuses their optimised code, as bench:sqlite's
// warm series), so the figure is the call, not the compile.
// Env: RK_BENCH_REPS (5), RK_BENCH_CALLS (200,000), RK_BENCH_WASI_CALLS=row,row (all).
// Run: node --experimental-wasm-stack-switching tools/bench/scripts/run-ts.mjs tools/bench/src/wasi/boot.ts

import * as nfs from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { buildImage } from '@runikraft/rk';
import { Machine } from '../../../../platforms/qemu-riscv/src/machine/machine';
import { loadImage } from '../../../../platforms/qemu-riscv/src/machine/realm/image';
import { median } from '../boot/stats';
import { hostMachine, loadRange } from '../host';
import { repoRoot } from '../net/tools';

const REPS = Number(process.env.RK_BENCH_REPS ?? 5);
const CALLS = Number(process.env.RK_BENCH_CALLS ?? 200_000);
const WANTED = process.env.RK_BENCH_WASI_CALLS?.split(',');
const appDir = join(repoRoot(), 'apps', 'libc-calls');

/** name → calls.c's arguments for n calls (argv[0] is the program's name). */
const ROWS: Record<string, (n: number) => string[]> = {
  clockGettime: (n) => ['clock', `${n}`],
  clockRealtime: (n) => ['realtime', `${n}`],
  writeDevNull: (n) => ['write', '/dev/null', `${n}`],
  writeFile1B: (n) => ['write', '/bench.dat', `${n}`],
  lseek: (n) => ['seek', '/bench.dat', `${n}`],
  fstat: (n) => ['fstat', '/bench.dat', `${n}`],
  pread4K: (n) => ['pread', '/bench.dat', `${n}`],
  pwrite4K: (n) => ['pwrite', '/bench.dat', `${n}`],
  schedYield: (n) => ['yield', `${n}`],
};

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Modules kept alive: V8 reuses their compiled code for the same bytes (see bench:sqlite). */
const kept: WebAssembly.Module[] = [];

async function booted(
  image: ReturnType<typeof loadImage>,
  suspend: string,
  args: string[],
): Promise<number> {
  let out = '';
  const m = new Machine({
    console: (t) => (out += t),
    memory: 64 << 20,
    append: `rkboot.banner=off libc.suspend=${suspend} -- ${args.join(' ')}`,
  });
  const gwa = (m.realm.context as { WebAssembly: typeof WebAssembly }).WebAssembly;
  const compile = gwa.compile.bind(gwa);
  gwa.compile = async (b) => {
    const mod = await compile(b);
    kept.push(mod);
    return mod;
  };
  const t0 = cpuMs();
  const exit = await m.boot(image);
  const dt = cpuMs() - t0;
  if (exit.status !== 0) throw new Error(`booted ${suspend} ${args.join(' ')}: ${out.slice(-300)}`);
  return dt;
}

const share = nfs.mkdtempSync(
  join(nfs.existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rk-wasiboot-bench-'),
);
const nodeModules = new Map<Uint8Array, WebAssembly.Module>();

async function nodeWasi(wasm: Uint8Array, args: string[]): Promise<number> {
  const out = nfs.openSync('/dev/null', 'w');
  let mod = nodeModules.get(wasm);
  if (!mod) nodeModules.set(wasm, (mod = await WebAssembly.compile(wasm)));
  const t0 = cpuMs();
  const wasi = new WASI({
    version: 'preview1',
    args: ['calls', ...args],
    env: {},
    preopens: { '/': share, '/dev': '/dev' },
    stdout: out,
    returnOnExit: true,
  });
  const inst = await WebAssembly.instantiate(mod, wasi.getImportObject() as WebAssembly.Imports);
  const status = wasi.start(inst as never);
  const dt = cpuMs() - t0;
  nfs.closeSync(out);
  if (status !== 0) throw new Error(`node:wasi ${args.join(' ')}: exit ${status}`);
  return dt;
}

async function perCall(run: (a: string[]) => Promise<number>, row: (n: number) => string[]) {
  await run(row(CALLS));
  const full: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < REPS; i++) {
    empty.push(await run(row(0)));
    full.push(await run(row(CALLS)));
  }
  return Math.round(((median(full) - median(empty)) * 1e6) / CALLS);
}

async function main(): Promise<void> {
  const load0 = loadavg()[0];
  const image = loadImage((await buildImage(appDir)).imagePath);
  const asyncified = new Uint8Array(nfs.readFileSync(join(appDir, 'build', 'program.wasm')));
  const plain = new Uint8Array(nfs.readFileSync(join(appDir, 'build', 'program.plain.wasm')));
  const jspi = typeof (WebAssembly as unknown as { Function?: unknown }).Function === 'function';
  const nsPerCall: Record<string, Record<string, number | null>> = {};
  for (const [name, row] of Object.entries(ROWS)) {
    if (WANTED && !WANTED.includes(name)) continue;
    nsPerCall[name] = {
      bootedAsyncify: await perCall((a) => booted(image, 'asyncify', a), row),
      bootedJspi: jspi ? await perCall((a) => booted(image, 'jspi', a), row) : null,
      nodeWasiAsyncified: await perCall((a) => nodeWasi(asyncified, a), row),
      nodeWasiPlain: await perCall((a) => nodeWasi(plain, a), row),
    };
    console.error(name, JSON.stringify(nsPerCall[name]));
  }
  console.log(
    JSON.stringify(
      {
        machine: hostMachine(),
        node: process.version,
        jspi,
        loadavg: loadRange(load0),
        reps: REPS,
        calls: CALLS,
        nsPerCall,
      },
      null,
      2,
    ),
  );
  nfs.rmSync(share, { recursive: true, force: true });
}

main().catch((e) => {
  nfs.rmSync(share, { recursive: true, force: true });
  console.error(e);
  process.exit(1);
});
