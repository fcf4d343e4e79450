/// <reference path="../../../../packages/libc-shim/src/wasm/webassembly.d.ts" />
// Issue 12: the steady-state cost of a booted SQLite run (bench:sqlite-runs). bench:sqlite measures
// whole boots, whose figures carry the kernel's per-boot JIT warm-up and its spread. This boots
// apps/sqlite once with RUNS runs of the inserts (each `.read` into a fresh database, the shell's
// `.open` in between) and reads this process's main-thread and background-thread CPU
// (/proc/self/task/*/schedstat) each time the shell prints its count: CPU per run, in one boot,
// for runs 2..RUNS (the kernel's JavaScript warm); node:wasi runs the same in one instance.
//
// A/B of kernel changes without a second worktree: SAVE=path copies the image this tree builds to
// `path` and exits; IMAGES=a.mjs,b.mjs boots the saved images in turn (same process, same load)
// and prints each one's median. PERF_CTL=fifo writes `enable`/`disable` to a perf control fifo
// around runs 2..RUNS (`perf record -D -1 --control=fifo:fifo ...`), so a profile holds only them
// (with PERF_BOOT=1: the boot and run 1, what a boot adds over a warm run). MARK_STDOUT=1 writes
// `@@mark n` to stdout at each mark, to cut a `stdbuf -oL node --trace-opt ...` log by run. Each
// boot's line ends with its shutdown's CPU (after the last run to the machine's exit), then per warm
// run `wall/nvcsw[/turns/irq/wfi]`: host ms, the main thread's involuntary context switches (how often
// the host took its core), and booted the machine's host turns, interrupts taken and wfi entries (to
// tell work from waiting: turns and timer interrupts follow host time, so they grow with a slow run).
// APPEND adds kernel parameters before the program's (e.g. APPEND=libc.preempt_ms=0: no preemption
// checks, so no host turns or interrupts during the runs).
//
// The shell reads the script where SRC says: initrd (default), from the guest's ramfs root filled
// from an initrd, as bench:sqlite does and as node:wasi reads it from tmpfs; share, through the 9p
// share (before 2026-12-04 19:00 UTC); SRC=share,initrd boots both in turn (an A/B of the read
// path). SQL=file runs that script instead of the workload's; its output must end with ROWS and a
// newline (e.g. SQL=cte.sql holding `WITH RECURSIVE ... SELECT sum(x) ...;` and ROWS=its sum: the
// program's own speed with no WASI calls).
//
// Env: RUNS (4), BOOTS (3), ROWS (60,000), WORKLOAD (transaction | unikraft: bench:sqlite's),
// FS (ramfs | 9p | ext4: a fresh copy of one mkfs.ext4 image per boot on virtio-blk), SUSPEND (jspi | asyncify), WHO (rk,node), APPEND, MAIN_ONLY=1 (medians of the main
// thread alone: the background threads' tier-up compiles and GC come in bursts), IMAGES, SAVE,
// PERF_CTL, RECHECK_MS (one value per IMAGES entry, which may repeat a path: the 9P server's
// open-file recheck interval for that entry's boots, an A/B of the machine's policy in one process).
// Needs --expose-gc (the script passes it).
// Run: node --experimental-wasm-stack-switching --expose-gc tools/bench/scripts/run-ts.mjs tools/bench/src/sqlite/runs.ts
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { buildImage } from '@runikraft/rk';
import { mkfs } from '../../../../packages/ext4/test/helpers/image';
import { Machine } from '../../../../platforms/qemu-riscv/src/machine/machine';
import { loadImage } from '../../../../platforms/qemu-riscv/src/machine/realm/image';
import { createVirtioDevicesFromArgs } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/args';
import { Virtio9p } from '../../../../platforms/qemu-riscv/src/machine/virtio/devices/p9';
import { median } from '../boot/stats';
import { hostMachine, loadRange } from '../host';
import { repoRoot } from '../net/tools';
import { parseWorkload, scriptsInitrd, workloadScript } from './workload';

const env = process.env;
const ROWS = Number(env.ROWS ?? 60_000);
const RUNS = Number(env.RUNS ?? 4);
const BOOTS = Number(env.BOOTS ?? 3);
const FS = env.FS ?? 'ramfs';
const SUSPEND = env.SUSPEND ?? 'jspi';
const WHO = (env.WHO ?? 'rk,node').split(',');
const WORKLOAD = parseWorkload('WORKLOAD', env.WORKLOAD ?? 'transaction');
const SRC = (env.SRC ?? 'initrd').split(',');
for (const s of SRC)
  if (s !== 'share' && s !== 'initrd') throw new Error(`SRC=${s}: share or initrd`);
if (RUNS < 2) throw new Error(`RUNS=${RUNS}: the figures are of runs 2..RUNS, so at least 2`);
if (FS !== 'ramfs' && FS !== '9p' && FS !== 'ext4') throw new Error(`FS=${FS}: ramfs, 9p or ext4`);

const appDir = join(repoRoot(), 'apps', 'sqlite');
const share = nfs.mkdtempSync(
  join(nfs.existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rk-sqlite-runs-'),
);
const script = env.SQL ? nfs.readFileSync(env.SQL, 'utf8') : workloadScript(WORKLOAD, ROWS);
nfs.writeFileSync(join(share, 'ins.sql'), script);
const initrd = scriptsInitrd({ 'ins.sql': script });

/** Compiled modules kept alive: V8 reuses their optimised code for the same bytes (bench:sqlite's warm series). */
const kept: WebAssembly.Module[] = [];
const taskNs = (t: string): number =>
  Number(nfs.readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]);
/** CPU ns of this process's main thread and of all its other threads. */
function cpuNs(): [number, number] {
  let bg = 0;
  for (const t of nfs.readdirSync('/proc/self/task'))
    if (t !== String(process.pid)) bg += taskNs(t);
  return [taskNs(String(process.pid)), bg];
}
/** FS=ext4: the empty image each boot gets a copy of (made before any boot). */
let ext4Image: string | null = null;
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();
/** Host time until the background threads are idle (< 0.1 ms of CPU per 5 ms, at most 1 s). */
async function quiet(): Promise<void> {
  let last = cpuNs()[1];
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 5));
    const now = cpuNs()[1];
    if (now - last < 100_000) return;
    last = now;
  }
}

/** Times the kernel took the main thread's core from it (descheduled while runnable). */
const nvcsw = (): number =>
  Number(
    /nonvoluntary_ctxt_switches:\s*(\d+)/.exec(
      nfs.readFileSync('/proc/thread-self/status', 'utf8'),
    )![1],
  );

/** CPU readings at the boundaries of one boot's runs. */
class Marks {
  readonly at: Array<[number, number]> = [];
  /** Host ms and, booted, the machine's counters at each mark (per-run turns, interrupts, wfi). */
  readonly ctr: number[][] = [];
  counters: (() => number[]) | null = null;
  /** CPU at the end of the boot (after its shutdown and the background threads' work). */
  end: [number, number] | null = null;
  mark(): void {
    this.at.push(cpuNs());
    this.ctr.push([performance.now(), nvcsw(), ...(this.counters?.() ?? [])]);
    if (env.MARK_STDOUT === '1') nfs.writeSync(1, `@@mark ${this.at.length}\n`);
    const ctl = env.PERF_CTL;
    // the window: runs 2..RUNS, or with PERF_BOOT=1 the boot and run 1
    const [from, to] = env.PERF_BOOT === '1' ? [1, 2] : [2, RUNS + 1];
    if (ctl && (this.at.length === from || this.at.length === to))
      nfs.writeFileSync(ctl, this.at.length === from ? 'enable\n' : 'disable\n');
  }
  /** Main and background CPU ms of run i (1-based). */
  run(i: number): [number, number] {
    const a = this.at[i - 1]!;
    const b = this.at[i]!;
    return [(b[0] - a[0]) / 1e6, (b[1] - a[1]) / 1e6];
  }
  /** CPU ms per run over runs 2..RUNS (main thread alone with MAIN_ONLY=1). */
  warm(): number {
    let ms = 0;
    for (let i = 2; i <= RUNS; i++) {
      const [m, b] = this.run(i);
      ms += env.MAIN_ONLY === '1' ? m : m + b;
    }
    return ms / (RUNS - 1);
  }
  line(who: string): string {
    const runs: string[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const [m, b] = this.run(i);
      runs.push(`${m.toFixed(1)}+${b.toFixed(1)}`);
    }
    const last = this.at[this.at.length - 1]!;
    const end = this.end
      ? `  shutdown ${((this.end[0] - last[0]) / 1e6).toFixed(1)}+${((this.end[1] - last[1]) / 1e6).toFixed(1)}`
      : '';
    // per warm run: host ms, involuntary context switches, then (booted) host turns / interrupts / wfi
    const per: string[] = [];
    for (let i = 2; i <= RUNS; i++)
      per.push(this.ctr[i]!.map((v, k) => (v - this.ctr[i - 1]![k]!).toFixed(0)).join('/'));
    return `${who}: main+background ms per run (run 1 includes the boot) ${runs.join('  ')}${end}  wall/nvcsw[/turns/irq/wfi] ${per.join(' ')}`;
  }
}

/** The shell's commands: RUNS `.read`s, each after `.open` of a fresh database. */
function commands(dir: string, db: (i: number) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i > 0) out.push(`.open ${db(i)}`);
    out.push(`.read ${dir}ins.sql`);
  }
  return out;
}
const done = `${ROWS}\n`;

async function booted(
  image: ReturnType<typeof loadImage>,
  name: string,
  recheckMs?: number,
  src = 'initrd',
): Promise<number> {
  collect();
  const db = (i: number): string =>
    FS === 'ramfs' ? `/d${i}.db` : FS === 'ext4' ? `/data/rk${i}.db` : `/share/rk${i}.db`;
  for (let i = 0; i < RUNS; i++) nfs.rmSync(join(share, `rk${i}.db`), { force: true });
  // ext4: a copy of the image made at the start (no mkfs.ext4 child once boots' memory is held)
  const disk = FS === 'ext4' ? join(share, 'disk.img') : null;
  if (disk) nfs.copyFileSync(ext4Image!, disk);
  const plan = await createVirtioDevicesFromArgs({
    virtfs: [`local,path=${share},mount_tag=share,security_model=none`],
    drive: disk ? [`file=${disk},if=none,format=raw,id=d0`] : [],
    device: disk ? ['virtio-blk-device,drive=d0'] : [],
  });
  const fstab = `share:/share:9pfs:0:cache=loose:mkmp${disk ? ' /dev/vda:/data:ext4:0::mkmp' : ''}`;
  const marks = new Marks();
  let out = '';
  const m = new Machine({
    console: (t) => {
      out += t;
      if (out.endsWith(done)) marks.mark();
    },
    memory: 512 << 20,
    ...(src === 'initrd' ? { initrd } : {}),
    append: `rkboot.banner=off ${env.APPEND ?? ''} libc.suspend=${SUSPEND} libc.env=HOME=/${src === 'initrd' ? ' vfs.rootfs=initrd' : ''} vfs.fstab="${fstab}" -- -list ${db(0)} ${commands(
      src === 'initrd' ? '/' : '/share/',
      db,
    )
      .map((c) => `"${c}"`)
      .join(' ')}`,
  });
  marks.counters = () => [m.stats.hostTurns, m.stats.interrupts, m.stats.wfi];
  for (const d of plan.devices) {
    if (recheckMs !== undefined && d.model instanceof Virtio9p)
      d.model.server.root.recheckMs = recheckMs;
    m.plugVirtio(d.model, d.slot);
  }
  const gwa = (m.realm.context as { WebAssembly: typeof WebAssembly }).WebAssembly;
  const compile = gwa.compile.bind(gwa);
  gwa.compile = async (b) => {
    const mod = await compile(b);
    kept.push(mod);
    return mod;
  };
  collect();
  await quiet();
  marks.mark();
  const exit = await m.boot(image);
  await quiet();
  marks.end = cpuNs();
  await plan.close();
  if (disk) nfs.rmSync(disk);
  if (exit.status !== 0 || marks.at.length !== RUNS + 1)
    throw new Error(`${name}: ${JSON.stringify(exit)} ${out.slice(-300)}`);
  console.error(marks.line(`${name} ${FS} ${SUSPEND} script on ${src}`));
  return marks.warm();
}

async function nodeWasi(wasm: Uint8Array): Promise<number> {
  collect();
  for (let i = 0; i < RUNS; i++) nfs.rmSync(join(share, `n${i}.db`), { force: true });
  const marks = new Marks();
  const out = nfs.openSync(join(share, 'node.out'), 'w');
  const wasi = new WASI({
    version: 'preview1',
    args: ['sqlite3', '-list', '/n0.db', ...commands('/', (i) => `/n${i}.db`)],
    env: {},
    preopens: { '/': share },
    stdout: out,
    returnOnExit: true,
  });
  const imports = wasi.getImportObject() as {
    wasi_snapshot_preview1: Record<string, (...a: unknown[]) => unknown>;
  };
  const p1 = imports.wasi_snapshot_preview1;
  const write = p1.fd_write!;
  // The shell prints only the counts on stdout: each write there ends a run.
  const wrapped = {
    ...p1,
    fd_write: (fd: unknown, ...a: unknown[]) => {
      const r = write(fd, ...a);
      if (fd === 1) marks.mark();
      return r;
    },
  };
  const mod = await WebAssembly.compile(wasm);
  kept.push(mod);
  const inst = await WebAssembly.instantiate(mod, { wasi_snapshot_preview1: wrapped });
  await quiet();
  marks.mark();
  const status = wasi.start(inst);
  nfs.closeSync(out);
  if (status !== 0 || marks.at.length !== RUNS + 1)
    throw new Error(`node:wasi: exit ${status}, ${marks.at.length - 1} runs marked`);
  console.error(marks.line('node:wasi'));
  return marks.warm();
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(appDir, 'scripts', 'sources.mjs')]);
  const paths = env.IMAGES ? env.IMAGES.split(',') : [(await buildImage(appDir)).imagePath];
  if (env.SAVE) {
    nfs.copyFileSync(paths[0]!, env.SAVE);
    return;
  }
  const images = paths.map((p) => loadImage(p));
  const recheck = env.RECHECK_MS?.split(',').map(Number);
  if (recheck && recheck.length !== paths.length)
    throw new Error(`RECHECK_MS: ${recheck.length} values for ${paths.length} images`);
  // one configuration per image and script source
  const configs = paths.flatMap((p, i) =>
    SRC.map((src) => ({
      image: images[i]!,
      recheckMs: recheck?.[i],
      src,
      name: `${p}${recheck ? `@recheck=${recheck[i]}` : ''}${SRC.length > 1 ? `@${src}` : ''}`,
    })),
  );
  const names = configs.map((c) => c.name);
  const plain = new Uint8Array(nfs.readFileSync(join(appDir, 'build', 'program.plain.wasm')));
  const suspendWasm =
    SUSPEND === 'jspi'
      ? plain
      : new Uint8Array(nfs.readFileSync(join(appDir, 'build', 'program.wasm')));
  if (FS === 'ext4') ext4Image = mkfs(share, '128M');
  const load0 = loadavg()[0];
  const rk: number[][] = names.map(() => []);
  const node: number[] = [];
  for (let b = 0; b < BOOTS; b++) {
    if (WHO.includes('node')) node.push(await nodeWasi(suspendWasm));
    if (WHO.includes('rk'))
      for (const [i, c] of configs.entries())
        rk[i]!.push(await booted(c.image, c.name, c.recheckMs, c.src));
  }
  const ms = (xs: number[]) => (xs.length ? Math.round(median(xs) * 10) / 10 : Number.NaN);
  console.log(
    JSON.stringify(
      {
        machine: hostMachine(),
        loadavg: loadRange(load0),
        workload: WORKLOAD,
        rows: ROWS,
        runs: RUNS,
        boots: BOOTS,
        fs: FS,
        suspend: SUSPEND,
        cpu: env.MAIN_ONLY === '1' ? 'main thread' : 'main + background threads',
        // CPU ms per run of runs 2..RUNS, median over boots
        warmRunMs: Object.fromEntries(names.map((p, i) => [p, ms(rk[i]!)])),
        nodeWasiWarmRunMs: ms(node),
      },
      null,
      2,
    ),
  );
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => nfs.rmSync(share, { recursive: true, force: true }));
