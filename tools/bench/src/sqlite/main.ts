/// <reference path="../../../../packages/libc-shim/src/wasm/webassembly.d.ts" />
// Issue 12 SQLite benchmark (Unikraft's SQLite workload: 60,000 INSERTs): the sqlite3 shell rk build
// makes for apps/sqlite, booted on Runikraft with its database on ramfs, on a 9p share and on an
// ext4 disk (virtio-blk, a fresh copy of one mkfs.ext4 image per run), against Node's node:wasi on the same
// .wasm (database on a host tmpfs directory), and the same SQLite C built natively with gcc -O2, in
// one run. The booted ext4 runs are also compared with node:wasi on the host kernel's own ext4 (a
// loop-mounted copy of the same image on /dev/shm, root only; see hostext4.ts): what a journaled
// file system's fsyncs cost a real kernel, which tmpfs does not show. The image carries both builds of the program (rk build's default): Runikraft runs it
// suspending through asyncify (libc.suspend=asyncify: the asyncified build) and through JSPI
// (libc.suspend=jspi: the build without asyncify); each is compared with node:wasi on that same
// .wasm. JSPI needs Node started with --experimental-wasm-stack-switching (bench:sqlite passes
// it). The shell `.read`s the SQL from a RAM file system on every side: node:wasi and native from
// the host's tmpfs (/dev/shm), a booted run from its ramfs root filled from an initrd
// (RK_BENCH_SQLITE_SCRIPTS=initrd, the default since 2026-12-04 19:00 UTC). Before, booted runs read
// it through the 9p share (RK_BENCH_SQLITE_SCRIPTS=share): 2,961 1 KiB reads through 9pfs's
// read-ahead and the machine's 9P server, ~7 ms of CPU per 60,000-row run on the transaction
// workload that node:wasi's tmpfs reads did not have, in every booted configuration whatever the
// database's file system. RK_BENCH_SQLITE_WORKLOAD picks the SQL:
// - unikraft (default): Unikraft's own workload (app-sqlite-test of its EuroSys'21 artifacts: 60,000
//   `INSERT INTO tab VALUES (null, 'value')`, each its own autocommit transaction, the database on a
//   RAM disk). Each insert is a transaction with its journal and SQLite's WASI dot-file lock (mkdir,
//   utimes, rmdir), ~60 WASI calls per insert on the same .wasm, so this is the kernel's I/O path;
// - transaction: one transaction (BEGIN; 60,000 INSERT; COMMIT), ~3,900 WASI calls for the whole
//   run: the program's own CPU work plus the kernel's JavaScript warming up in each boot (see below). Each figure is the median host CPU time (user + system; this machine's 2
// cores are shared with other jobs, which makes wall time meaningless) of RK_BENCH_REPS runs minus
// the median of the same run with a one-statement script (boot, compile and start-up), so the
// ratios compare the insert work; each series starts with discarded warm-up rounds. Prints JSON.
//
// Per boot and second run: a booted kernel is JavaScript in a fresh realm, so each boot runs its
// import path (libc-shim, posix, vfscore, the file system) in V8's interpreter first and compiles
// the ~20 functions that get hot with TurboFan on background threads again (~30-45 ms of CPU per
// boot on this machine: the realm's optimised code dies with the boot, like the program's module
// did before the warm series held it); node:wasi's import path is C++. The one-statement run does
// not make those functions hot, so "inserts" (insertsCpuMs) carries that warm-up: it is what one
// boot running this workload pays. "secondRunCpuMs" is the same 60,000 inserts run a second time
// in the same boot (the shell's `.open` of a second database, then `.read` again; node:wasi the
// same in one instance) minus a boot running them once: the inserts with the kernel's JavaScript
// warm as well, which is what the warm series means for the program's code. Both are printed with
// their ratios; the cold series has no second run (its second run would reuse compiled code).
//
// Each measured run starts after a full GC and after V8's background threads have gone idle
// (settle(), once the machine and its guest RAM exist): otherwise concurrent marking, sweeping and
// tier-up compiles started by the previous run or by the 512 MiB guest-RAM allocation land in the
// run's CPU time at random (+30-50 ms in some one-statement and 60k boots).
//
// Compiled code, warm and cold: V8 shares a compiled wasm module between compiles of the same
// bytes while the first module lives, with the code its tier-up produced. A booted program's
// module dies with the boot, so whether the next boot found it depended on whether a GC ran
// in between: earlier figures mixed boots running Liftoff code (slow, and paying for the
// tier-up compile in background threads) with boots reusing optimised code, against a
// node:wasi that always reused it. Each configuration is therefore measured twice:
// - warm: the bench holds every compiled module (the guest's, through a wrapper on the guest
//   realm's WebAssembly.compile, and node:wasi's), so each run reuses the optimised code: the
//   cost of the layers, not of V8's compiler;
// - cold: each compile gets a unique custom section appended (semantics unchanged), so every run
//   compiles and tiers up again, as one `rk run` (or one `node` process) does.
// RK_BENCH_SQLITE_CODE=warm|cold|warm,cold selects them (default warm). Run the cold series in a
// process of its own (RK_BENCH_SQLITE_CODE=cold): with both in one process Node 20.20.2 crashed
// twice (SIGSEGV) as the cold series began. The same crash hit single warm series in node:wasi's
// runs ("FATAL ERROR: v8::Object::GetAlignedPointerFromInternalField() Internal field out of
// bounds" under node::wasi::WASI::FdRead's FastCallback): node:wasi's fast API calls meeting a GC,
// nodejs/node#46777 and #48114, not JSPI. It strikes at random; run the command again.
// Run: node --experimental-wasm-stack-switching tools/bench/scripts/run-ts.mjs tools/bench/src/sqlite/main.ts

import { execFileSync, spawnSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WASI } from 'node:wasi';
import { buildImage } from '@runikraft/rk';
import { mkfs } from '../../../../packages/ext4/test/helpers/image';
import { Machine } from '../../../../platforms/qemu-riscv/src/machine/machine';
import { loadImage } from '../../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { VirtioBlk } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { median } from '../boot/stats';
import { hostMachine, loadRange } from '../host';
import { repoRoot } from '../net/tools';
import { type HostExt4, kernelThreadsCpuMs, mountHostExt4 } from './hostext4';
import { parseWorkload, scriptsInitrd, workloadScript } from './workload';

const REPS = Number(process.env.RK_BENCH_REPS ?? 3);
/** RK_BENCH_SQLITE_RAW=1: every measured run's CPU ms in the JSON too (runsCpuMs), to see the spread. */
const RAW = process.env.RK_BENCH_SQLITE_RAW === '1';
const rounded = (xs: number[]): number[] => xs.map((x) => Math.round(x));
// RK_BENCH_SQLITE_ONLY=ramfs,9p,ext4,asyncify,jspi,node,node-ext4,native selects configurations (e.g. to
// profile one with --cpu-prof): a booted run needs its file system and its mechanism selected.
const ONLY = process.env.RK_BENCH_SQLITE_ONLY ?? '';
const wanted = (name: string): boolean => ONLY === '' || ONLY.split(',').includes(name);
const skipped = { totalCpuMs: Number.NaN, startupCpuMs: Number.NaN, insertsCpuMs: Number.NaN };
const ROWS = Number(process.env.RK_BENCH_SQLITE_ROWS ?? 60_000);
const WORKLOAD = parseWorkload(
  'RK_BENCH_SQLITE_WORKLOAD',
  process.env.RK_BENCH_SQLITE_WORKLOAD ?? 'unikraft',
);
// One warm-up round is enough for the unikraft workload: its runs last seconds, not the ~100 ms the
// JIT warm-up described at series() is measured against.
const WARMUP = Number(process.env.RK_BENCH_SQLITE_WARMUP ?? (WORKLOAD === 'unikraft' ? 1 : 3));
const CODE = (process.env.RK_BENCH_SQLITE_CODE ?? 'warm').split(',') as Code[];
type Code = 'warm' | 'cold';
/** Modules the warm series keep alive (V8 then reuses their optimised code for the same bytes). */
const kept: WebAssembly.Module[] = [];
let unique = 0;
/** `bytes` with a custom section "rk-bench" holding a fresh number: a compile V8 has not cached. */
function uncached(bytes: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode('rk-bench');
  const body = [name.length, ...name, ...new TextEncoder().encode(String(unique++))];
  const out = new Uint8Array(bytes.length + 2 + body.length);
  out.set(bytes);
  out.set([0, body.length, ...body], bytes.length);
  return out;
}
/** WebAssembly.compile for the `code` series: keeps the module (warm) or defeats the cache (cold). */
function compileFor(
  code: Code,
  compile: (b: Uint8Array) => Promise<WebAssembly.Module>,
): (b: Uint8Array) => Promise<WebAssembly.Module> {
  return async (b) => {
    const mod = await compile(code === 'cold' ? uncached(b) : b);
    if (code === 'warm') kept.push(mod);
    return mod;
  };
}
const appDir = join(repoRoot(), 'apps', 'sqlite');

const share = nfs.mkdtempSync(
  join(nfs.existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rk-sqlite-bench-'),
);
const SCRIPTS = { 'ins.sql': workloadScript(WORKLOAD, ROWS), 'empty.sql': 'SELECT 1;\n' };
for (const [name, text] of Object.entries(SCRIPTS)) nfs.writeFileSync(join(share, name), text);
/**
 * Where a booted run's shell reads its script (RK_BENCH_SQLITE_SCRIPTS): `initrd` (default), from
 * the ramfs the guest's `/` is, filled from an initrd holding both scripts (every booted run gets
 * the same one, so the one-statement boot unpacks what the inserts boot does); `share`, through
 * the 9p share (before 2026-12-04 19:00 UTC; see the header).
 */
const SCRIPTS_FROM = process.env.RK_BENCH_SQLITE_SCRIPTS ?? 'initrd';
if (SCRIPTS_FROM !== 'initrd' && SCRIPTS_FROM !== 'share')
  throw new Error(`RK_BENCH_SQLITE_SCRIPTS: '${SCRIPTS_FROM}' is neither 'initrd' nor 'share'`);
const initrd = SCRIPTS_FROM === 'initrd' ? scriptsInitrd(SCRIPTS) : undefined;

function fresh(name: string): void {
  nfs.rmSync(join(share, name), { force: true });
}

/**
 * A fresh empty ext4 disk for a run: a copy of one mkfs.ext4 image made at the start. Forking
 * mkfs.ext4 from this process once it held several boots' memory failed with ENOMEM (the host's
 * heuristic overcommit), so no child is started between boots.
 */
let ext4Image: string | null = null;
let disks = 0;
function freshDisk(): string {
  ext4Image ??= mkfs(share, '128M');
  const disk = join(share, `disk-${disks++}.img`);
  nfs.copyFileSync(ext4Image, disk);
  return disk;
}

/** What a run executes: the one-statement script, the 60,000 inserts, or those twice (two databases). */
type Work = 'empty' | 'once' | 'twice';
/** The shell's command arguments for `work`, scripts in `dir`, the second database at `db2`. */
function commands(work: Work, dir: string, db2: string): string[] {
  if (work === 'empty') return [`.read ${dir}empty.sql`];
  const once = `.read ${dir}ins.sql`;
  return work === 'once' ? [once] : [once, `.open ${db2}`, once];
}
/** What the shell prints at the end of a correct run of `work`. */
const expected = (work: Work): string =>
  work === 'empty' ? '1\n' : work === 'once' ? `${ROWS}\n` : `${ROWS}\n${ROWS}\n`;
/** Whether the warm series also measures the inserts a second time in one boot (see the header): by default for the transaction workload only (RK_BENCH_SQLITE_TWICE=0/1 overrides). */
const TWICE =
  process.env.RK_BENCH_SQLITE_TWICE === '1' ||
  (WORKLOAD === 'transaction' && process.env.RK_BENCH_SQLITE_TWICE !== '0');

/** Where a booted run keeps its database (and the second one). */
type Fs = 'ramfs' | '9p' | 'ext4';
const DB: Record<Fs, string> = { ramfs: '/data.db', '9p': '/share/rk.db', ext4: '/data/rk.db' };
const DB2: Record<Fs, string> = { ramfs: '/data2.db', '9p': '/share/rk2.db', ext4: '/data/rk2.db' };
/**
 * The machine's counters of the last 60k-insert run per configuration (interrupts taken, wfi, host
 * turns; on ext4 the virtio-blk requests served, VirtioBlk.stats), and the longest the host's event
 * loop was blocked during that whole boot, ms: the longest stretch without a host turn (the guest
 * runs on the event loop's thread), boot included.
 */
const machineCounts: Record<
  string,
  {
    interrupts: number;
    wfi: number;
    hostTurns: number;
    longestBlockMs: number;
    blk?: VirtioBlk['stats'];
  }
> = {};

async function runikraft(
  image: ReturnType<typeof loadImage>,
  fs: Fs,
  work: Work,
  suspend: 'asyncify' | 'jspi',
  code: Code,
): Promise<number> {
  // The previous boot's machine (512 MiB of guest RAM) goes before this one's.
  collect();
  const db = DB[fs];
  if (fs === '9p') {
    fresh(db.slice(7));
    fresh(DB2[fs].slice(7));
  }
  const disk = fs === 'ext4' ? freshDisk() : null;
  let out = '';
  const plan = await createVirtioDevicesFromArgs({
    virtfs: [`local,path=${share},mount_tag=share,security_model=none`],
    drive: disk ? [`file=${disk},if=none,format=raw,id=d0`] : [],
    device: disk ? ['virtio-blk-device,drive=d0'] : [],
  });
  const fstab = `"share:/share:9pfs:0:cache=loose:mkmp${disk ? ' /dev/vda:/data:ext4:0::mkmp' : ''}"`;
  const m = new Machine({
    console: (t) => (out += t),
    memory: 512 << 20,
    ...(initrd ? { initrd } : {}),
    append: `rkboot.banner=off libc.suspend=${suspend} libc.env=HOME=/${initrd ? ' vfs.rootfs=initrd' : ''} vfs.fstab=${fstab} -- -list ${db} ${commands(
      work,
      initrd ? '/' : '/share/',
      DB2[fs],
    )
      .map((c) => `"${c}"`)
      .join(' ')}`,
  });
  for (const d of plan.devices) m.plugVirtio(d.model, d.slot);
  // The guest realm's global (vm's DONT_CONTEXTIFY): its WebAssembly is the one libc-shim uses.
  const gwa = (m.realm.context as { WebAssembly: typeof WebAssembly }).WebAssembly;
  gwa.compile = compileFor(code, gwa.compile.bind(gwa));
  // After the machine's 512 MiB of guest RAM exists: that external allocation starts V8's
  // incremental marking, which otherwise ran concurrently into the boot at random.
  await settle();
  // A host timer every ms: the gaps between its runs are the stretches without a host turn.
  let last = performance.now();
  let longest = 0;
  const gap = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  };
  const probe = setInterval(gap, 1);
  const t0 = cpuMs();
  const exit = await m.boot(image);
  await quiet();
  const dt = cpuMs() - t0;
  clearInterval(probe);
  gap();
  const { interrupts, wfi, hostTurns } = m.stats;
  const blk = plan.devices.find((d) => d.model instanceof VirtioBlk)?.model as
    | VirtioBlk
    | undefined;
  if (work === 'once')
    machineCounts[`${fs}-${suspend}-${code}`] = {
      interrupts,
      wfi,
      hostTurns,
      longestBlockMs: Math.round(longest * 10) / 10,
      ...(blk ? { blk: { ...blk.stats } } : {}),
    };
  await plan.close();
  if (disk) nfs.rmSync(disk);
  if (exit.status !== 0 || !out.endsWith(expected(work)))
    throw new Error(`runikraft ${fs} ${suspend}: ${JSON.stringify(exit)} ${out.slice(-300)}`);
  return dt;
}

/** Kernel-thread CPU ms of each inserts run of node:wasi on the host's ext4, warm-up runs included (see hostext4.ts). */
const hostExt4KernelMs: number[] = [];
/** Host ext4 mounts to unmount if the bench stops half-way. */
const hostMounts = new Set<HostExt4>();
/** Why node:wasi on the host's ext4 was not measured, if it was not. */
let hostExt4Skipped: string | null = null;

/**
 * node:wasi on the same .wasm. `on` = 'tmpfs': the database in the shared /dev/shm directory;
 * 'ext4': on a fresh copy of the booted runs' ext4 image, loop-mounted by the host kernel (the
 * scripts stay on /dev/shm, preopened as /share), and the run's CPU includes the kernel threads'.
 */
async function nodeWasi(
  wasm: Uint8Array,
  work: Work,
  code: Code,
  on: 'tmpfs' | 'ext4' = 'tmpfs',
): Promise<number> {
  fresh('node.db');
  fresh('node2.db');
  const outPath = join(share, 'node.out');
  const fd = nfs.openSync(outPath, 'w');
  let host: HostExt4 | null = null;
  let disk: string | null = null;
  if (on === 'ext4') {
    collect(); // mount forks (see freshDisk)
    disk = freshDisk();
    const m = mountHostExt4(disk, share);
    if (typeof m === 'string') throw new Error(m);
    host = m;
    hostMounts.add(host);
  }
  const scripts = host ? '/share/' : '/';
  await settle();
  const k0 = host ? kernelThreadsCpuMs() : 0;
  const t0 = cpuMs();
  const wasi = new WASI({
    version: 'preview1',
    args: ['sqlite3', '-list', '/node.db', ...commands(work, scripts, '/node2.db')],
    env: {},
    preopens: host ? { '/': host.dir, '/share': share } : { '/': share },
    stdout: fd,
    returnOnExit: true,
  });
  const mod = await compileFor(code, (b) => WebAssembly.compile(b))(wasm);
  const inst = await WebAssembly.instantiate(mod, wasi.getImportObject() as WebAssembly.Imports);
  const status = wasi.start(inst);
  await quiet();
  let dt = cpuMs() - t0;
  if (host) {
    const kernel = kernelThreadsCpuMs() - k0;
    if (work === 'once') hostExt4KernelMs.push(kernel);
    dt += kernel;
    host.unmount();
    hostMounts.delete(host);
  }
  if (disk) nfs.rmSync(disk);
  nfs.closeSync(fd);
  const out = nfs.readFileSync(outPath, 'utf8');
  if (status !== 0 || !out.endsWith(expected(work)))
    throw new Error(`node:wasi (${on}): exit ${status}, output ${JSON.stringify(out.slice(-100))}`);
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

function native(bin: string, work: Work): number {
  collect(); // forking bash next to garbage machines can fail with ENOMEM (see freshDisk)
  fresh('native.db');
  fresh('native2.db');
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
      ...commands(work, `${share}/`, join(share, 'native2.db')),
    ],
    { encoding: 'utf8' },
  );
  const m = /(\d+\.\d+),(\d+\.\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`native sqlite3: ${r.error?.message ?? r.stderr}`);
  return (Number(m[1]) + Number(m[2])) * 1000;
}

/** This process's CPU time (user + system), ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU time of this process's threads other than the main one, ns (null where /proc is absent). */
function backgroundNs(): number | null {
  try {
    let ns = 0;
    for (const t of nfs.readdirSync('/proc/self/task'))
      if (t !== String(process.pid))
        ns += Number(nfs.readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    return ns;
  } catch {
    return null;
  }
}

/** A full collection, where node runs with --expose-gc (bench:sqlite passes it). */
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * Right before a measured run's CPU window: a full collection (otherwise a run pays at random
 * for collecting earlier boots, each a realm and 512 MiB of guest RAM, which swung the
 * one-statement runs between 40 and 330 ms), then host time until V8's background threads are
 * idle (< 0.1 ms of CPU per 5 ms, at most 1 s): the collection's concurrent sweeping and tier-up
 * compiles the previous run started would otherwise count in this one.
 */
async function settle(): Promise<void> {
  collect();
  await quiet();
}

/**
 * Host time until V8's background threads are idle (< 0.1 ms of CPU per 5 ms, at most 1 s). At
 * the end of a run, before its CPU time is read: the tier-up compiles and marking the run started
 * are its own cost (they used to land in whichever run came next).
 */
async function quiet(): Promise<void> {
  let last = backgroundNs();
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 5));
    const now = backgroundNs();
    if (now === null || last === null) return;
    if (now - last < 100_000) return;
    last = now;
  }
}

async function series(f: (work: Work) => Promise<number> | number, twice: boolean) {
  const full: number[] = [];
  const empty: number[] = [];
  const two: number[] = [];
  // Discarded rounds first (RK_BENCH_SQLITE_WARMUP, default 3, each the measured round's runs):
  // V8 compiles the 2.5 MB module lazily and tiers hot functions up in background threads whose
  // CPU time counts, and it caches compiled modules by their bytes, so without a warm-up whichever
  // configuration runs first pays for everyone's compilation. One run was not enough: the
  // machine's own JavaScript (host realm: hart loop, virtio devices, the 9P server, the disk
  // backend) keeps its JIT state across boots, and each configuration's first boots still ran
  // its paths cold (one-statement boots of 60-108 ms for 2-4 repetitions, then 27-31), which
  // inflated the subtracted start-up median and shrank the insert figure of that configuration.
  for (let i = 0; i < WARMUP; i++) {
    await f('empty');
    await f(twice ? 'twice' : 'once');
  }
  for (let i = 0; i < REPS; i++) {
    empty.push(await f('empty'));
    full.push(await f('once'));
    if (twice) two.push(await f('twice'));
  }
  const total = median(full);
  const base = median(empty);
  return {
    totalCpuMs: Math.round(total),
    startupCpuMs: Math.round(base),
    insertsCpuMs: Math.round(total - base),
    ...(twice ? { secondRunCpuMs: Math.round(median(two) - total) } : {}),
    ...(RAW
      ? { runsCpuMs: { empty: rounded(empty), once: rounded(full), twice: rounded(two) } }
      : {}),
  };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(appDir, 'scripts', 'sources.mjs')]);
  const built = await buildImage(appDir);
  const image = loadImage(built.imagePath);
  const wasm = new Uint8Array(nfs.readFileSync(join(appDir, 'build', 'program.wasm')));
  const plainWasm = new Uint8Array(nfs.readFileSync(join(appDir, 'build', 'program.plain.wasm')));
  const jspi = typeof (WebAssembly as unknown as { Function?: unknown }).Function === 'function';
  const bin = nativeBinary();
  if (wanted('ext4') || wanted('node-ext4')) ext4Image = mkfs(share, '128M');
  if (wanted('node-ext4')) {
    const disk = freshDisk();
    const probe = mountHostExt4(disk, share);
    if (typeof probe === 'string') {
      hostExt4Skipped = probe;
      console.error(`bench:sqlite: node:wasi on the host's ext4 skipped: ${probe}`);
    } else probe.unmount();
    nfs.rmSync(disk);
  }
  const hostExt4 = wanted('node-ext4') && hostExt4Skipped === null;
  const load0 = loadavg()[0];
  type Figures = Awaited<ReturnType<typeof series>>;
  const booted: Record<string, Figures> = {};
  const nodew: Record<string, Figures> = {};
  const ratios: Record<string, number> = {};
  const hostExt4Ratios: Record<string, number> = {};
  const secondRatios: Record<string, number> = {};
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  // Native first: forking next to many booted machines' memory reservations can fail (ENOMEM).
  const nat = wanted('native') ? await series((w) => native(bin, w), false) : skipped;
  for (const code of CODE) {
    const twice = TWICE && code === 'warm';
    const base = {
      asyncify: wanted('node') ? await series((w) => nodeWasi(wasm, w, code), twice) : skipped,
      jspi: wanted('node') ? await series((w) => nodeWasi(plainWasm, w, code), twice) : skipped,
    };
    nodew[`asyncified-${code}`] = base.asyncify;
    nodew[`plain-${code}`] = base.jspi;
    const onExt4 = {
      asyncify: hostExt4 ? await series((w) => nodeWasi(wasm, w, code, 'ext4'), twice) : skipped,
      jspi: hostExt4 ? await series((w) => nodeWasi(plainWasm, w, code, 'ext4'), twice) : skipped,
    };
    if (hostExt4) {
      nodew[`host-ext4-asyncified-${code}`] = onExt4.asyncify;
      nodew[`host-ext4-plain-${code}`] = onExt4.jspi;
    }
    for (const fs of ['ramfs', '9p', 'ext4'] as const)
      for (const suspend of ['asyncify', 'jspi'] as const) {
        if (!wanted(fs) || !wanted(suspend) || (suspend === 'jspi' && !jspi)) continue;
        const r = await series((w) => runikraft(image, fs, w, suspend, code), twice);
        const name = `${fs}-${suspend}-${code}`;
        booted[name] = r;
        // Speed relative to node:wasi on the same .wasm (>1 is faster), insert work only.
        ratios[name] = ratio(base[suspend].insertsCpuMs, r.insertsCpuMs);
        if (fs === 'ext4' && hostExt4)
          hostExt4Ratios[name] = ratio(onExt4[suspend].insertsCpuMs, r.insertsCpuMs);
        const second = (base[suspend] as { secondRunCpuMs?: number }).secondRunCpuMs;
        if (twice && second !== undefined && r.secondRunCpuMs !== undefined)
          secondRatios[name] = ratio(second, r.secondRunCpuMs);
      }
    kept.length = 0;
  }
  console.log(
    JSON.stringify(
      {
        machine: hostMachine(),
        loadavg: loadRange(load0),
        workload: WORKLOAD,
        rows: ROWS,
        reps: REPS,
        bootedScriptsFrom: SCRIPTS_FROM,
        jspi,
        wasmBytes: wasm.length,
        plainWasmBytes: plainWasm.length,
        runikraft: booted,
        machineCounts,
        nodeWasi: nodew,
        nativeGcc: nat,
        // booted vs node:wasi on the same .wasm (asyncify: the asyncified build; jspi: the plain
        // one) with the same compiled-code state: per boot (insertsCpuMs, with the kernel's
        // JavaScript warming up) and the second run in one boot (secondRunCpuMs, kernel warm)
        ratioVsNodeWasi: ratios,
        ratioSecondRunVsNodeWasi: secondRatios,
        // booted ext4 vs node:wasi with its database on the host kernel's ext4 (loop-mounted copy
        // of the same image; its CPU includes the kernel threads', listed per inserts run below,
        // warm-up runs first)
        ratioExt4VsNodeWasiHostExt4: hostExt4Ratios,
        hostExt4KernelCpuMs: rounded(hostExt4KernelMs),
        ...(hostExt4Skipped ? { hostExt4Skipped } : {}),
        ratioNodeWasiPlainWarmVsNative: ratio(
          nat.insertsCpuMs,
          (nodew['plain-warm'] ?? skipped).insertsCpuMs,
        ),
      },
      null,
      2,
    ),
  );
  nfs.rmSync(share, { recursive: true, force: true });
}

main().catch((e) => {
  for (const m of hostMounts) m.unmount();
  nfs.rmSync(share, { recursive: true, force: true });
  console.error(e);
  process.exit(1);
});
