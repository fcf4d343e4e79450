// Writes the "Bulk TCP (issue 9)" section of BENCHMARKS.md between markers, leaving the rest.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../net/tools';

export interface BulkRow {
  path: string;
  /** to-guest: the host sends (iperf3: client → server); from-guest: the guest sends (iperf3 -R). */
  dir: 'to-guest' | 'from-guest';
  mbps: number;
  runs: number[];
}

export interface BulkFigures {
  rows: BulkRow[];
  notes: string[];
  mb: number;
  repeats: number;
  seconds: number;
  /** 1-minute load averages sampled through the run. */
  load: number[];
}

const BEGIN =
  '<!-- bench:netbulk begin (written by pnpm --filter @runikraft/bench bench:netbulk) -->';
const END = '<!-- bench:netbulk end -->';

export function bulkSection(f: BulkFigures): string {
  const base = (dir: string) => f.rows.find((r) => r.dir === dir && r.path.startsWith('iperf3'));
  const lines = [
    BEGIN,
    '## Bulk TCP, guest ↔ host (issue 9)',
    '',
    '```sh',
    `pnpm --filter @runikraft/bench bench:netbulk   # RK_BENCH_BULK_MB=${f.mb} RK_BENCH_REPEATS=${f.repeats} RK_BENCH_SECONDS=${f.seconds}`,
    '```',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus()[0]?.model ?? '?'} (${cpus().length} cores shared with other work; noisy; load average ${f.load.map((l) => l.toFixed(1)).join(' → ')} during the run), Node ${process.version}.`,
    `One connection moving ${f.mb} MiB, median of ${f.repeats} (MB = 10^6 bytes). The guest is apps/tcpecho`,
    '(`sink=` hashes what it reads, `source=` sends a pattern the host checks) on the in-process machine;',
    'the host end is `tools/bench/src/netbulk/peer.mjs` in its own process (inside the namespace for TAP).',
    `iperf3 runs ${f.seconds} s per repeat between two host processes on 127.0.0.1.`,
    '',
    '| path | direction | MB/s | runs | vs iperf3 loopback |',
    '|---|---|---|---|---|',
    ...f.rows.map((r) => {
      const b = base(r.dir)?.mbps;
      const dir = r.dir === 'to-guest' ? 'host → guest' : 'guest → host';
      const label = r.path.startsWith('iperf3')
        ? r.dir === 'to-guest'
          ? 'client → server'
          : 'server → client (-R)'
        : dir;
      return `| ${r.path} | ${label} | ${r.mbps.toFixed(1)} | ${r.runs.map((x) => x.toFixed(1)).join(' / ')} | ${b ? `${(r.mbps / b).toFixed(4)}×` : '–'} |`;
    }),
    '',
  ];
  for (const n of f.notes) lines.push(`- ${n}`);
  lines.push(END);
  return lines.join('\n');
}

export function writeBulkSection(f: BulkFigures): void {
  const file = join(repoRoot(), 'BENCHMARKS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = bulkSection(f);
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  const next =
    a >= 0 && b > a
      ? text.slice(0, a) + section + text.slice(b + END.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  process.stdout.write(`${section}\n`);
}
