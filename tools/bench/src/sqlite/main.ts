/// <reference path="../../../../packages/libc-shim/src/wasm/webassembly.d.ts" />
// Issue 12 SQLite benchmark (Unikraft's SQLite workload: 60,000 INSERTs): the sqlite3 shell .wasm
// rk build makes for apps/sqlite, run on Runikraft (database on ramfs and on a 9p share) and on
// Node's node:wasi (database on a host tmpfs directory), and the same SQLite C built natively with
// gcc -O2, in one run. Runikraft runs it three ways: the asyncified program suspending through
// asyncify (libc.suspend=asyncify), the same program through JSPI (libc.suspend=jspi), and the
// program built without asyncify (rk build --no-asyncify) through JSPI; node:wasi runs both .wasm
// files. JSPI needs Node started with --experimental-wasm-stack-switching (bench:sqlite passes it). The SQL is one transaction (BEGIN; 60,000 INSERT; COMMIT) read by the
// shell's .read from the shared directory. Each figure is the median host CPU time (user + system;
// this machine's 2 cores are shared with other jobs, which makes wall time meaningless) of
// RK_BENCH_REPS runs minus the median of the same run with a one-statement script (boot, compile and
// start-up), so the ratios compare the insert work; each series starts with a discarded warm-up run.
// Prints JSON.
// Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/sqlite/main.ts
import { execFileSync, spawnSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { buildImage } from '@runikraft/rk';
import { Machine } from '../../../../platforms/qemu-riscv/src/machine/machine';
import { loadImage } from '../../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { median } from '../boot/stats';
import { repoRoot } from '../net/tools';

const REPS = Number(process.env.RK_BENCH_REPS ?? 3);
// RK_BENCH_SQLITE_ONLY=ramfs,9p,node,native,jspi,plain selects configurations (e.g. to profile one
// with --cpu-prof): ramfs/9p the file systems, jspi/plain the JSPI runs of the two programs.
const ONLY = process.env.RK_BENCH_SQLITE_ONLY ?? '';
const wanted = (name: string): boolean => ONLY === '' || ONLY.split(',').includes(name);
const skipped = { totalCpuMs: Number.NaN, startupCpuMs: Number.NaN, insertsCpuMs: Number.NaN };
const ROWS = Number(process.env.RK_BENCH_SQLITE_ROWS ?? 60_000);
const appDir = join(repoRoot(), 'apps', 'sqlite');

const share = nfs.mkdtempSync(
  join(nfs.existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rk-sqlite-bench-'),
);
const sql = ['CREATE TABLE t(a INTEGER, b TEXT, c REAL);', 'BEGIN;'];
for (let i = 0; i < ROWS; i++) sql.push(`INSERT INTO t VALUES(${i}, 'name-${i}', ${i * 1.5});`);
sql.push('COMMIT;', 'SELECT count(*) FROM t;', '');
nfs.writeFileSync(join(share, 'ins.sql'), sql.join('\n'));
nfs.writeFileSync(join(share, 'empty.sql'), 'SELECT 1;\n');

function fresh(name: string): void {
  nfs.rmSync(join(share, name), { force: true });
}

async function runikraft(
  image: ReturnType<typeof loadImage>,
  db: string,
  script: string,
  suspend: 'asyncify' | 'jspi',
): Promise<number> {
  if (db.startsWith('/share/')) fresh(db.slice(7));
  let out = '';
  const plan = await createVirtioDevicesFromArgs({
    virtfs: [`local,path=${share},mount_tag=share,security_model=none`],
  });
  const m = new Machine({
    console: (t) => (out += t),
    memory: 512 << 20,
    append: `rkboot.banner=off libc.suspend=${suspend} libc.env=HOME=/ vfs.fstab=share:/share:9pfs:0:cache=loose:mkmp -- -list ${db} ".read /share/${script}"`,
  });
  for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
  const t0 = cpuMs();
  const exit = await m.boot(image);
  const dt = cpuMs() - t0;
  const want = script === 'ins.sql' ? `${ROWS}\n` : '1\n';
  if (exit.status !== 0 || !out.endsWith(want))
    throw new Error(`runikraft ${db}: ${JSON.stringify(exit)} ${out.slice(-300)}`);
  return dt;
}

async function nodeWasi(wasm: Uint8Array, script: string): Promise<number> {
  fresh('node.db');
  const outPath = join(share, 'node.out');
  const fd = nfs.openSync(outPath, 'w');
  const t0 = cpuMs();
  const wasi = new WASI({
    version: 'preview1',
    args: ['sqlite3', '-list', '/node.db', `.read /${script}`],
    env: {},
    preopens: { '/': share },
    stdout: fd,
    returnOnExit: true,
  });
  const mod = await WebAssembly.compile(wasm);
  const inst = await WebAssembly.instantiate(mod, wasi.getImportObject() as WebAssembly.Imports);
  const status = wasi.start(inst);
  const dt = cpuMs() - t0;
  nfs.closeSync(fd);
  if (status !== 0) throw new Error(`node:wasi exit ${status}`);
  return dt;
}

function nativeBinary(): string {
  const out = join(tmpdir(), 'runikraft-sqlite-native');
  if (nfs.existsSync(out)) return out;
  const amalg = join(appDir, 'node_modules/better-sqlite3/deps/sqlite3');
  execFileSync('gcc', [
    '-O2',
    `-I${amalg}`,
    '-DSQLITE_THREADSAFE=0',
    '-DSQLITE_OMIT_LOAD_EXTENSION',
    '-DSQLITE_OMIT_WAL',
    '-DSQLITE_MAX_MMAP_SIZE=0',
    join(appDir, 'vendor/shell.c'),
    join(amalg, 'sqlite3.c'),
    '-lm',
    '-o',
    out,
  ]);
  return out;
}

function native(bin: string, script: string): number {
  fresh('native.db');
  // bash's `time` reports the child's user and system CPU seconds.
  const r = spawnSync(
    'bash',
    [
      '-c',
      'TIMEFORMAT=%U,%S; time "$@" > /dev/null',
      'bash',
      bin,
      '-list',
      join(share, 'native.db'),
      `.read ${join(share, script)}`,
    ],
    { encoding: 'utf8' },
  );
  const m = /(\d+\.\d+),(\d+\.\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`native sqlite3: ${r.stderr}`);
  return (Number(m[1]) + Number(m[2])) * 1000;
}

/** This process's CPU time (user + system), ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function series(f: (script: string) => Promise<number> | number) {
  const full: number[] = [];
  const empty: number[] = [];
  // One discarded run first: V8 compiles the 2.5 MB module lazily and tiers hot functions up in
  // background threads whose CPU time counts, and it caches compiled modules by their bytes, so
  // without a warm-up whichever configuration runs first pays for everyone's compilation.
  await f('ins.sql');
  for (let i = 0; i < REPS; i++) {
    empty.push(await f('empty.sql'));
    full.push(await f('ins.sql'));
  }
  const total = median(full);
  const base = median(empty);
  return {
    totalCpuMs: Math.round(total),
    startupCpuMs: Math.round(base),
    insertsCpuMs: Math.round(total - base),
  };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(appDir, 'scripts', 'sources.mjs')]);
  const built = await buildImage(appDir);
  const image = loadImage(built.imagePath);
  const wasm = new Uint8Array(nfs.readFileSync(join(appDir, 'build', 'program.wasm')));
  const plainDir = join(appDir, 'build', 'no-asyncify');
  const plainImage = loadImage(
    (await buildImage(appDir, { outDir: plainDir, asyncify: false })).imagePath,
  );
  const plainWasm = new Uint8Array(nfs.readFileSync(join(plainDir, 'program.wasm')));
  const jspi = typeof (WebAssembly as unknown as { Function?: unknown }).Function === 'function';
  const withJspi = (name: string) => jspi && wanted(name);
  const bin = nativeBinary();
  const load0 = loadavg()[0];
  const rk = (img: typeof image, db: string, suspend: 'asyncify' | 'jspi') =>
    series((s) => runikraft(img, db, s, suspend));
  const RAM = '/data.db';
  const P9 = '/share/rk.db';
  const rkRamfs = wanted('ramfs') ? await rk(image, RAM, 'asyncify') : skipped;
  const rkRamfsJspi = wanted('ramfs') && withJspi('jspi') ? await rk(image, RAM, 'jspi') : skipped;
  const rkRamfsPlain =
    wanted('ramfs') && withJspi('plain') ? await rk(plainImage, RAM, 'jspi') : skipped;
  const rk9p = wanted('9p') ? await rk(image, P9, 'asyncify') : skipped;
  const rk9pJspi = wanted('9p') && withJspi('jspi') ? await rk(image, P9, 'jspi') : skipped;
  const rk9pPlain = wanted('9p') && withJspi('plain') ? await rk(plainImage, P9, 'jspi') : skipped;
  const nodew = wanted('node') ? await series((s) => nodeWasi(wasm, s)) : skipped;
  const nodePlain = wanted('node') ? await series((s) => nodeWasi(plainWasm, s)) : skipped;
  const nat = wanted('native') ? await series((s) => native(bin, s)) : skipped;
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} × ${cpus()[0]?.model}`,
        loadavg: [Math.round(load0 * 10) / 10, Math.round(loadavg()[0] * 10) / 10],
        rows: ROWS,
        reps: REPS,
        jspi,
        wasmBytes: wasm.length,
        plainWasmBytes: plainWasm.length,
        runikraftRamfs: rkRamfs,
        runikraftRamfsJspi: rkRamfsJspi,
        runikraftRamfsPlainJspi: rkRamfsPlain,
        runikraft9p: rk9p,
        runikraft9pJspi: rk9pJspi,
        runikraft9pPlainJspi: rk9pPlain,
        nodeWasi: nodew,
        nodeWasiPlain: nodePlain,
        nativeGcc: nat,
        // Speed relative to node:wasi on the same .wasm (>1 is faster), insert work only.
        ratioRamfsVsNodeWasi: ratio(nodew.insertsCpuMs, rkRamfs.insertsCpuMs),
        ratioRamfsJspiVsNodeWasi: ratio(nodew.insertsCpuMs, rkRamfsJspi.insertsCpuMs),
        ratioRamfsPlainJspiVsNodeWasiPlain: ratio(
          nodePlain.insertsCpuMs,
          rkRamfsPlain.insertsCpuMs,
        ),
        ratio9pVsNodeWasi: ratio(nodew.insertsCpuMs, rk9p.insertsCpuMs),
        ratio9pJspiVsNodeWasi: ratio(nodew.insertsCpuMs, rk9pJspi.insertsCpuMs),
        ratio9pPlainJspiVsNodeWasiPlain: ratio(nodePlain.insertsCpuMs, rk9pPlain.insertsCpuMs),
        ratioNodeWasiPlainVsNative: ratio(nat.insertsCpuMs, nodePlain.insertsCpuMs),
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
