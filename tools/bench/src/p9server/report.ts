// Writes the "9P server" section of BENCHMARKS.md between markers, leaving other sections alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const BEGIN =
  '<!-- bench:p9server begin (written by node tools/bench/scripts/run-ts.mjs tools/bench/src/p9server/main.ts) -->';
const END = '<!-- bench:p9server end -->';

interface Pair {
  p9: number;
  node: number;
}
export interface P9ServerFigures {
  date: string;
  cpu: string;
  node: string;
  sizeMiB: number;
  reps: number;
  msize: number;
  rows: { bs: number; read: Pair; write: Pair }[];
  ops: { getattr: Pair; walkClunk: Pair };
}

const kib = (b: number) => (b >= 1 << 20 ? `${b >> 20} MiB` : `${b >> 10} KiB`);
const ratio = (p: Pair) => `${(p.p9 / p.node).toFixed(2)}×`;

export function section(f: P9ServerFigures): string {
  const lines = [
    BEGIN,
    '## 9P server (issue 10, machine side)',
    '',
    '```sh',
    'node tools/bench/scripts/run-ts.mjs tools/bench/src/p9server/main.ts   # RK_BENCH_P9S_MB=64 RK_BENCH_REPS=5',
    '```',
    '',
    `Measured ${f.date} on ${f.cpu} (2 cores shared with other work; noisy), Node ${f.node}. The`,
    "machine's 9P2000.L server alone (`P9Server.handle`, no transport, no guest; msize",
    `${f.msize}): sequential Tread/Twrite over a ${f.sizeMiB} MiB file by block size, next to node:fs`,
    '`readSync`/`writeSync` at the same offsets on the same file in the same run (page cache warm),',
    `median of ${f.reps}. Each Tread costs a confinement check of the open fd (a readlink of`,
    '/proc/self/fd) and a copy of the data into the reply buffer; a Twrite one check.',
    '',
    '| block | server read | node:fs read | ratio | server write | node:fs write | ratio |',
    '|---|---|---|---|---|---|---|',
    ...f.rows.map(
      (r) =>
        `| ${kib(r.bs)} | ${r.read.p9.toFixed(0)} MB/s | ${r.read.node.toFixed(0)} MB/s | ${ratio(r.read)} | ${r.write.p9.toFixed(0)} MB/s | ${r.write.node.toFixed(0)} MB/s | ${ratio(r.write)} |`,
    ),
    '',
    '| per request | server | node:fs | ratio |',
    '|---|---|---|---|',
    `| Tgetattr vs lstat | ${f.ops.getattr.p9.toFixed(2)} µs | ${f.ops.getattr.node.toFixed(2)} µs | ${(f.ops.getattr.p9 / f.ops.getattr.node).toFixed(1)}× |`,
    `| Twalk (1 name) + Tclunk vs lstat | ${f.ops.walkClunk.p9.toFixed(2)} µs | ${f.ops.walkClunk.node.toFixed(2)} µs | ${(f.ops.walkClunk.p9 / f.ops.walkClunk.node).toFixed(1)}× |`,
    '',
    END,
  ];
  return lines.join('\n');
}

/** Replaces (or appends) the section in `path` (run from the repository root). */
export function writeSection(f: P9ServerFigures, path = 'BENCHMARKS.md'): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const s = section(f);
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  const out =
    a >= 0 && b > a
      ? text.slice(0, a) + s + text.slice(b + END.length)
      : `${text.trimEnd()}\n\n${s}\n`;
  writeFileSync(path, out);
}
