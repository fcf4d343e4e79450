// `pnpm bench:alloc`: every allocator on the synthetic and the recorded cc1 trace, against
// @thi.ng/malloc and glibc (c/replay.c) in the same run; init time vs heap size; fragmentation;
// hardening overhead. Prints Markdown tables (the BENCHMARKS.md "Memory" section) and writes JSON.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ANALYSIS } from './analysis';
import { bootTable } from './boot';
import { initTimes } from './init';
import { record } from './record';
import { bench, liveAtEnd, peakOf, type ReplayResult } from './replay';
import { writeAllocSection } from './report';
import { benchPhys, OURS, ourSubject, thingSubject } from './subjects';
import { synthTrace } from './synth';
import { type AllocTrace, decodeTrace, encodeTrace } from './trace';

const HEAP = 256 << 20;
const ROUNDS = 3;
let benchDirOf = '';
const MiB = (n: number) => (n / 2 ** 20).toFixed(2);

function glibc(
  replayBin: string,
  t: AllocTrace,
  dir: string,
  runs: number,
): ReplayResult & { raw: unknown } {
  const file = join(dir, `${t.name}.rkat`);
  writeFileSync(file, encodeTrace(t));
  const peak = peakOf(t).index;
  const out = JSON.parse(
    execFileSync(replayBin, [file, String(runs), String(peak)], { encoding: 'utf8' }),
  );
  const ns = (out.ns as number[]).slice(1).sort((a, b) => a - b);
  const m = (x: { arena: number; inUse: number; free: number; mmapped: number }) => ({
    consumed: x.arena + x.mmapped,
    maxalloc: NaN,
  });
  return {
    name: 'glibc malloc (C)',
    opsPerSec: t.ops / (ns[ns.length >> 1] / 1e9),
    failed: 0,
    peak: m(out.peak),
    end: m(out.end),
    raw: out,
  };
}

function table(t: AllocTrace, rows: ReplayResult[]): string {
  const base = rows.find((r) => r.name === 'glibc malloc (C)')!;
  const thing = rows.find((r) => r.name === '@thi.ng/malloc')!;
  const pk = peakOf(t).bytes;
  const end = liveAtEnd(t);
  const lines = [
    `**${t.name}** — ${t.ops} ops, peak live ${MiB(pk)} MiB, live at end ${MiB(end)} MiB`,
    '',
    '| allocator | ops/s | vs glibc | vs @thi.ng/malloc | failed allocs | heap used at peak (MiB) | overhead at peak | heap used at end (MiB) | largest free block at end (MiB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString('en')} | ${(r.opsPerSec / base.opsPerSec).toFixed(2)} | ${(r.opsPerSec / thing.opsPerSec).toFixed(2)} | ${r.failed} | ${MiB(r.peak.consumed)} | ${(r.peak.consumed / pk).toFixed(2)}× | ${MiB(r.end.consumed)} | ${Number.isNaN(r.end.maxalloc) ? 'n/a' : MiB(r.end.maxalloc)} |`,
    );
  return lines.join('\n');
}

/** Child mode: one subject on one trace in a fresh process, so JIT state never leaks between subjects. */
function child(args: string[]): void {
  const [, traceName, subject, runs, benchDir] = args;
  const t = loadTraces(benchDir).find((x) => x.name === traceName)!;
  const phys = benchPhys(HEAP);
  const make =
    subject === '@thi.ng/malloc'
      ? () => thingSubject(HEAP)
      : () =>
          ourSubject(
            subject.replace(' (hardened)', '') as (typeof OURS)[number],
            phys,
            subject.endsWith('(hardened)'),
          );
  process.stdout.write(JSON.stringify(bench(t, make, Number(runs))));
}

function loadTraces(benchDir: string): AllocTrace[] {
  const fixture = join(benchDir, 'fixtures/alloc/cc1.rkat.gz');
  if (!existsSync(fixture)) record(benchDir);
  return [
    synthTrace(),
    decodeTrace('cc1 (gcc -O2 -c, recorded)', gunzipSync(readFileSync(fixture))),
  ];
}

function isolated(t: AllocTrace, subject: string, runs: number): ReplayResult {
  const bundle = process.env.RK_BENCH_BUNDLE!;
  const out = execFileSync(
    process.execPath,
    [bundle, '--child', t.name, subject, String(runs), benchDirOf],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out) as ReplayResult;
}

export async function main(benchDir: string, args: string[]): Promise<void> {
  if (args[0] === 'record') return record(benchDir);
  benchDirOf = benchDir;
  if (args[0] === 'boot') return void console.log(await bootTable(join(benchDir, '../..'), 10));
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'rk-bench-alloc-'));
  const replayBin = join(dir, 'replay');
  execFileSync('gcc', ['-O2', '-o', replayBin, join(benchDir, 'src/alloc/c/replay.c')]);
  const traces = loadTraces(benchDir);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    runs,
  };
  const out: string[] = [];
  const hardening: string[] = [
    '| allocator | ops/s | hardened ops/s | overhead |',
    '|---|---:|---:|---:|',
  ];
  // Each subject runs ROUNDS times, round-robin, each time in a fresh process (median of `runs` replays);
  // the table keeps each subject's best round: on this shared machine, noise only ever slows a run down.
  const best = (xs: ReplayResult[]) => xs.reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a));
  const subjects = ['@thi.ng/malloc', ...OURS];
  for (const t of traces) {
    const rounds = new Map<string, ReplayResult[]>();
    const hard = new Map<string, ReplayResult[]>();
    const hardNames = OURS.filter((n) => n !== 'buddy-js');
    for (let r = 0; r < ROUNDS; r++) {
      const g = glibc(replayBin, t, dir, runs + 1);
      rounds.set(g.name, [...(rounds.get(g.name) ?? []), g]);
      for (const name of subjects)
        rounds.set(name, [...(rounds.get(name) ?? []), isolated(t, name, runs)]);
      if (t.name === 'synthetic')
        for (const name of hardNames)
          hard.set(name, [...(hard.get(name) ?? []), isolated(t, `${name} (hardened)`, runs)]);
    }
    const rows = [...rounds.values()].map(best);
    out.push(table(t, rows));
    results[t.name] = { rounds: Object.fromEntries(rounds), hardened: Object.fromEntries(hard) };
    for (const name of hard.size > 0 ? hardNames : []) {
      const plain = best(rounds.get(name)!);
      const h = best(hard.get(name)!);
      hardening.push(
        `| ${name} | ${Math.round(plain.opsPerSec).toLocaleString('en')} | ${Math.round(h.opsPerSec).toLocaleString('en')} | ${(plain.opsPerSec / h.opsPerSec).toFixed(2)}× slower |`,
      );
    }
  }
  // In a fresh child too: in this process, GC work left by earlier phases lands in the timed region.
  const init = JSON.parse(
    execFileSync(process.execPath, [process.env.RK_BENCH_BUNDLE!, '--init'], { encoding: 'utf8' }),
  ) as ReturnType<typeof initTimes>;
  results.init = init;
  const names = Object.keys(init[0].us);
  const initLines = [
    `| heap | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---:').join('|')}|`,
  ];
  for (const r of init)
    initLines.push(
      `| ${r.size >= 1 << 30 ? `${r.size / 2 ** 30} GiB` : `${r.size / 2 ** 20} MiB`} | ${names.map((n) => (r.us[n] === undefined ? 'n/a' : `${r.us[n].toFixed(1)} µs`)).join(' | ')} |`,
    );
  const boot = await bootTable(join(benchDir, '../..'));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const body = [
    '## Memory (issue 3)',
    '',
    '```sh',
    'pnpm --filter @runikraft/bench bench:alloc            # --runs=N replays per round (default 3); `bench:alloc record` re-records the cc1 trace',
    '```',
    '',
    `Measured ${results.date} on ${cpu} × ${cpus().length} (shared with other work: expect ±30% noise), Node ${process.version}, gcc-built glibc replayer. Every JS allocator runs in its own child process on a 256 MiB heap (guest RAM as a SharedArrayBuffer); ops/s is the median of ${runs} full replays after a warm-up (freeing what is left at the end included), and the table keeps the best of ${ROUNDS} such rounds run round-robin across allocators, each in a fresh process (load from other work only ever slows a round down). glibc replays the same trace file in C (tools/bench/src/alloc/c/replay.c).`,
    '',
    '### Throughput and fragmentation',
    '',
    out.join('\n\n'),
    '',
    "Heap used = bytes the allocator no longer reports available (glibc: arena + mmapped from mallinfo2); overhead = heap used / live requested bytes at the trace's peak.",
    '',
    '### Hardening overhead (synthetic trace; `<lib>.harden=1`, quarantine 32, randomised placement)',
    '',
    hardening.join('\n'),
    '',
    '### Initialisation time vs heap size (median of 15, interleaved across allocators in a fresh process; backend + front end)',
    '',
    initLines.join('\n'),
    '',
    '### Helloworld boot time with each allocator',
    '',
    boot,
    '',
    ANALYSIS,
  ].join('\n');
  console.log(body);
  const dir2 = join(benchDir, '.rk');
  mkdirSync(dir2, { recursive: true });
  writeFileSync(join(dir2, 'alloc-results.json'), JSON.stringify(results, null, 1));
  if (!args.includes('--no-write')) {
    writeAllocSection(join(benchDir, '../../BENCHMARKS.md'), body);
    console.log(
      '\n(section written to BENCHMARKS.md; raw figures in tools/bench/.rk/alloc-results.json)',
    );
  }
}

if (process.argv[2] === '--child') child(process.argv.slice(2));
if (process.argv[2] === '--init') process.stdout.write(JSON.stringify(initTimes(15)));
