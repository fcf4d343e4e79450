/// <reference path="../../../../packages/libc-shim/src/wasm/webassembly.d.ts" />
// Issue 12 libc-shim benchmarks, in process (host realm; the kernel's libc-shim, vfscore, ramfs and
// devfs code, without the machine), each against Node's node:wasi on the same .wasm in the same run:
//  1. libc call cost, ns per call: write(2) of one byte to /dev/null and clock_gettime (monotonic and
//     realtime), and the calls SQLite makes on its file: 1-byte write, lseek, fstat, 4 KiB pread/pwrite;
//  2. suspension cost: sched_yield (every call blocks) through asyncify and through JSPI, ns per call;
//  3. SQLite, Unikraft's 60,000 INSERTs on ramfs: the asyncified program through asyncify and through
//     JSPI, the program built without asyncify through JSPI, and node:wasi; the .wasm sizes.
// Figures: host CPU time (user + system; the machine's cores are shared), median of RK_BENCH_REPS
// runs after a discarded warm-up; per-call costs subtract a run with 0 calls. Needs Node started with
// --experimental-wasm-stack-switching for the JSPI rows (bench:wasi passes it; else they are null).
// Run: node --experimental-wasm-stack-switching tools/bench/scripts/run-ts.mjs tools/bench/src/wasi/main.ts

import * as nfs from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { createDevfsType } from '../../../../packages/devfs/src/index';
import {
  hasJspi,
  runWasi,
  type WasiKernel,
  type WasiSuspend,
} from '../../../../packages/libc-shim/src/index';
import { createRamfsType } from '../../../../packages/ramfs/src/index';
import { createBuddyAlloc } from '../../../../packages/rkalloc-buddy/src/index';
import { createSched } from '../../../../packages/rksched/src/index';
import { createSimPlat } from '../../../../packages/rksched/src/sim';
import { createRrPolicy } from '../../../../packages/rksched-rr/src/index';
import { O_CREAT, O_RDWR, O_WRONLY, RkVfsCore } from '../../../../packages/vfscore/src/index';
import { buildWasm } from '../../../rk/src/wasm-toolchain';
import { median } from '../boot/stats';
import { hostMachine, loadRange } from '../host';
import { repoRoot } from '../net/tools';

const REPS = Number(process.env.RK_BENCH_REPS ?? 5);
const CALLS = Number(process.env.RK_BENCH_CALLS ?? 200_000);
const ROWS = Number(process.env.RK_BENCH_SQLITE_ROWS ?? 60_000);
const root = repoRoot();
const jspi = hasJspi();
// RK_BENCH_WASI_PARTS=calls,sqlite: which parts to run (both by default).
const PARTS = (process.env.RK_BENCH_WASI_PARTS ?? 'calls,sqlite').split(',');

const callsSrc = join(root, 'packages/libc-shim/test/programs/calls.c');
const calls = new Uint8Array(nfs.readFileSync(buildWasm({ sources: [callsSrc], cflags: ['-O2'] })));

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** vfscore with ramfs on / (the SQL script in it), devfs on /dev, fds 0–2 on /dev/null. */
async function kernel(files: Record<string, string> = {}): Promise<WasiKernel> {
  const size = 256 << 20;
  const buffer = new SharedArrayBuffer(size);
  const phys = {
    buffer,
    base: 0x80000000,
    size,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  const vfs = new RkVfsCore({
    now: () => {
      const t = Date.now();
      return { sec: Math.floor(t / 1000), nsec: (t % 1000) * 1e6 };
    },
  });
  vfs.registerFsType(createRamfsType(createBuddyAlloc(phys, phys.base, size)));
  vfs.registerFsType(createDevfsType());
  await vfs.mount('none', '/', 'ramfs');
  await vfs.mkdir('/dev', 0o755);
  await vfs.mount('none', '/dev', 'devfs');
  for (let i = 0; i < 3; i++) await vfs.open('/dev/null', O_RDWR);
  for (const [name, text] of Object.entries(files)) {
    const fd = await vfs.open(name, O_CREAT | O_WRONLY, 0o644);
    await vfs.write(fd, new TextEncoder().encode(text));
    await vfs.close(fd);
  }
  // The monotonic clocks from performance.now(), as the machine's clock reads the host's (ns since
  // the kernel was made); realtime from Date.now().
  const t0 = performance.now();
  const mono = (): number => Math.floor((performance.now() - t0) * 1e6);
  return {
    vfs,
    // The program's POSIX process parks only on descriptors that are not ready; here all are files.
    sched: createSched(createSimPlat(), createRrPolicy()),
    clockNs: (id) =>
      id === 0 ? BigInt(Date.now()) * 1_000_000n : id >= 1 && id <= 3 ? BigInt(mono()) : null,
    clockNowNs: (id) => (id >= 1 && id <= 3 ? mono() : -1),
    clockResNs: 1n,
    random: (b) => {
      crypto.getRandomValues(b);
    },
    yield: async () => {},
    sleepNs: async () => {},
  };
}

/** CPU ms of one libc-shim run. */
async function shim(
  wasm: Uint8Array,
  args: string[],
  suspend: WasiSuspend,
  files = {},
): Promise<number> {
  const k = await kernel(files);
  const t0 = cpuMs();
  const r = await runWasi(k, wasm, { args, env: ['HOME=/'], suspend });
  const dt = cpuMs() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} (${suspend}): exit ${r.status}`);
  return dt;
}

const share = nfs.mkdtempSync(
  join(nfs.existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rk-wasi-bench-'),
);

/** CPU ms of one node:wasi run (preopen / on a host tmpfs directory). */
async function node(wasm: Uint8Array, args: string[]): Promise<number> {
  nfs.rmSync(join(share, 'data.db'), { force: true });
  const out = nfs.openSync('/dev/null', 'w');
  const t0 = cpuMs();
  const wasi = new WASI({
    version: 'preview1',
    args,
    env: { HOME: '/' },
    preopens: { '/': share, '/dev': '/dev' },
    stdout: out,
    returnOnExit: true,
  });
  const inst = await WebAssembly.instantiate(
    await WebAssembly.compile(wasm),
    wasi.getImportObject() as WebAssembly.Imports,
  );
  const status = wasi.start(inst as never);
  const dt = cpuMs() - t0;
  nfs.closeSync(out);
  if (status !== 0) throw new Error(`node:wasi ${args.join(' ')}: exit ${status}`);
  return dt;
}

type Runner = (args: string[]) => Promise<number>;

/** Median CPU ms of `args` minus that of `base` (the same program doing no calls). */
async function cost(run: Runner, args: string[], base: string[]): Promise<number> {
  await run(args);
  const full: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < REPS; i++) {
    empty.push(await run(base));
    full.push(await run(args));
  }
  return median(full) - median(empty);
}

const runners = (wasm: Uint8Array, files = {}): Record<string, Runner | null> => ({
  asyncify: (a) => shim(wasm, a, 'asyncify', files),
  jspi: jspi ? (a) => shim(wasm, a, 'jspi', files) : null,
  nodeWasi: (a) => node(wasm, a),
});

async function perCall(args: string[], base: string[], names = ['asyncify', 'jspi', 'nodeWasi']) {
  const out: Record<string, number | null> = {};
  for (const [name, run] of Object.entries(runners(calls))) {
    if (!names.includes(name)) continue;
    out[name] = run ? Math.round(((await cost(run, args, base)) * 1e6) / CALLS) : null;
  }
  return out;
}

async function main(): Promise<void> {
  const load0 = loadavg()[0];
  // 1. libc call cost (ns per call)
  const nsPerCall = PARTS.includes('calls') ? await callCosts() : null;
  const sqlite = PARTS.includes('sqlite') ? await sqliteCosts() : null;
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
        sqlite,
      },
      null,
      2,
    ),
  );
  nfs.rmSync(share, { recursive: true, force: true });
}

/** The per-call rows: name → the calls.c arguments for N calls (N = 0 is the baseline run). */
const CALL_ROWS: Record<string, (n: number) => string[]> = {
  writeDevNull: (n) => ['calls', 'write', '/dev/null', `${n}`],
  clockGettime: (n) => ['calls', 'clock', `${n}`],
  clockRealtime: (n) => ['calls', 'realtime', `${n}`],
  // The calls SQLite makes on its database file: a regular file (ramfs; node:wasi: host tmpfs).
  writeFile1B: (n) => ['calls', 'write', '/bench.dat', `${n}`],
  lseek: (n) => ['calls', 'seek', '/bench.dat', `${n}`],
  fstat: (n) => ['calls', 'fstat', '/bench.dat', `${n}`],
  pread4K: (n) => ['calls', 'pread', '/bench.dat', `${n}`],
  pwrite4K: (n) => ['calls', 'pwrite', '/bench.dat', `${n}`],
  // One round of namespace calls in a directory: create, rename ×4, link ×2, symlink ×2,
  // readlink ×3, stat, lstat, opendir/readdir/closedir, unlink ×2 (calls.c `names`).
  namesRound: (n) => ['calls', 'names', '/bench.names', `${n}`],
  // 2. suspension cost (node:wasi's sched_yield does not suspend anything)
  schedYield: (n) => ['calls', 'yield', `${n}`],
};
/** RK_BENCH_WASI_CALLS=name,name: which rows (all by default). */
const ROWS_WANTED = process.env.RK_BENCH_WASI_CALLS?.split(',');

async function callCosts() {
  const out: Record<string, Record<string, number | null>> = {};
  for (const [name, args] of Object.entries(CALL_ROWS))
    if (!ROWS_WANTED || ROWS_WANTED.includes(name)) out[name] = await perCall(args(CALLS), args(0));
  return out;
}

async function sqliteCosts() {
  // 3. SQLite
  const sql = ['CREATE TABLE t(a INTEGER, b TEXT, c REAL);', 'BEGIN;'];
  for (let i = 0; i < ROWS; i++) sql.push(`INSERT INTO t VALUES(${i}, 'name-${i}', ${i * 1.5});`);
  sql.push('COMMIT;', 'SELECT count(*) FROM t;', '');
  nfs.writeFileSync(join(share, 'ins.sql'), sql.join('\n'));
  nfs.writeFileSync(join(share, 'empty.sql'), 'SELECT 1;\n');
  const files = { '/ins.sql': sql.join('\n'), '/empty.sql': 'SELECT 1;\n' };
  const app = join(root, 'apps/sqlite');
  const pkg = JSON.parse(nfs.readFileSync(join(app, 'package.json'), 'utf8')).runikraft;
  const spec = {
    sources: [pkg.entry, ...pkg.program.sources].map((s: string) => join(app, s)),
    cflags: pkg.program.cflags,
    ldflags: pkg.program.ldflags,
    cwd: app,
  };
  const asyncified = new Uint8Array(nfs.readFileSync(buildWasm(spec)));
  const plain = new Uint8Array(nfs.readFileSync(buildWasm({ ...spec, asyncify: false })));
  const ins = ['sqlite3', '-list', '/data.db', '.read /ins.sql'];
  const one = ['sqlite3', '-list', '/data.db', '.read /empty.sql'];
  const rA = runners(asyncified, files);
  const rP = runners(plain, files);
  return {
    asyncifiedWasmBytes: asyncified.length,
    plainWasmBytes: plain.length,
    asyncifiedAsyncifyMs: Math.round(await cost(rA.asyncify!, ins, one)),
    asyncifiedJspiMs: rA.jspi ? Math.round(await cost(rA.jspi, ins, one)) : null,
    plainJspiMs: rP.jspi ? Math.round(await cost(rP.jspi, ins, one)) : null,
    nodeWasiAsyncifiedMs: Math.round(await cost(rA.nodeWasi!, ins, one)),
    nodeWasiPlainMs: Math.round(await cost(rP.nodeWasi!, ins, one)),
  };
}

main().catch((e) => {
  nfs.rmSync(share, { recursive: true, force: true });
  console.error(e);
  process.exit(1);
});
