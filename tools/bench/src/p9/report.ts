// Writes the "9P (issue 10)" section of BENCHMARKS.md between markers, leaving other sections alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const BEGIN =
  '<!-- bench:p9 begin (written by node tools/bench/scripts/run-ts.mjs tools/bench/src/p9/main.ts) -->';
const END = '<!-- bench:p9 end -->';

interface Pair {
  p9: number;
  node: number;
}
export interface P9Figures {
  date: string;
  cpu: string;
  node: string;
  sizeMiB: number;
  reps: number;
  rows: {
    what: string;
    msize: number;
    mountMs: number;
    read: Pair;
    write: Pair;
    latency: (Pair & { bs: number })[];
    small: { create: Pair; stat: Pair; unlink: Pair };
  }[];
}

const kib = (b: number) => (b >= 1 << 20 ? `${b >> 20} MiB` : `${b >> 10} KiB`);

export function p9Section(f: P9Figures): string {
  const out = [
    BEGIN,
    '## 9P (issue 10)',
    '',
    '```sh',
    'node tools/bench/scripts/run-ts.mjs tools/bench/src/p9/main.ts   # RK_BENCH_P9_MB=64 RK_BENCH_REPS=5',
    '```',
    '',
    `Measured ${f.date} on ${f.cpu} (2 cores shared with other work; noisy), Node ${f.node}. 9pfs`,
    '(`@runikraft/9pfs` over `@runikraft/rk9p`, cache=loose) reads and writes a host directory next to',
    'node:fs on the same directory in the same run (page cache warm). Sequential figures: a',
    `${f.sizeMiB} MiB file in 1 MiB calls, median of ${f.reps}. Latency: median of 300 reads per block size.`,
    'Small files: 500 empty files created (and closed), stat-ed, unlinked in the share root.',
    '',
    'The read goal (≥ 0.5× node:fs) is not met. Each 9pfs byte crosses memory three times where node:fs',
    "crosses it once: the server's read(2) into its buffer, its copy into the reply buffer in guest RAM,",
    "and rk9p's copy from the reply into the caller's buffer (a `--cpu-prof` of the virtio row: native",
    "reads about a quarter of the time, the copy out ~18 %, the server's copy into guest RAM ~8 %,",
    'waiting for the next host turn ~12 %). What would close the gap: the server reading straight into',
    "guest RAM, and Linux's zero-copy Tread (data into the caller's pages) for callers whose buffers",
    'live in guest RAM. Stat and small-file rates are one or two round trips per call (Tgetattr; Tlcreate',
    '+ Twalk + Tclunk; Tunlinkat or Twalk + Tremove on diod), against a syscall for node:fs.',
    '',
  ];
  for (const r of f.rows) {
    out.push(
      `### ${r.what}, msize ${r.msize}`,
      '',
      '| figure | 9pfs | node:fs, same dir | ratio | goal / Unikraft |',
      '|---|---|---|---|---|',
      `| sequential read | ${r.read.p9.toFixed(0)} MB/s | ${r.read.node.toFixed(0)} MB/s | ${(r.read.p9 / r.read.node).toFixed(2)}× | goal ≥ 0.5× |`,
      `| sequential write | ${r.write.p9.toFixed(0)} MB/s | ${r.write.node.toFixed(0)} MB/s | ${(r.write.p9 / r.write.node).toFixed(2)}× | |`,
      ...r.latency.map(
        (l) =>
          `| read latency, ${kib(l.bs)} | ${l.p9.toFixed(1)} µs | ${l.node.toFixed(1)} µs | ${(l.p9 / l.node).toFixed(1)}× | ${l.bs === 4096 ? 'Unikraft 4 KiB: 20.5 µs (KVM)' : ''} |`,
      ),
      ...(['create', 'stat', 'unlink'] as const).map(
        (k) =>
          `| small files: ${k === 'create' ? 'create + close' : k} | ${r.small[k].p9.toFixed(0)} ops/s | ${r.small[k].node.toFixed(0)} ops/s | ${(r.small[k].p9 / r.small[k].node).toFixed(2)}× | |`,
      ),
      `| mount (connect, Tversion, Tattach, Tgetattr), median of 21 | ${(r.mountMs * 1000).toFixed(0)} µs | | | Unikraft: +0.36 ms boot |`,
      '',
    );
  }
  out.push(END);
  return out.join('\n');
}

/** Replaces (or appends) the section in `file`. */
export function writeSection(f: P9Figures, file = 'BENCHMARKS.md'): void {
  const section = p9Section(f);
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) text = text.slice(0, a) + section + text.slice(b + END.length);
  else text = `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}
