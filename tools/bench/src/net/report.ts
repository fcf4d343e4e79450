// Writes the "Network apps (issue 9)" section of BENCHMARKS.md between markers, leaving the rest.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { MemoryFigures } from './memory';
import { repoRoot, type WrkFigures } from './tools';

export interface HttpRow extends WrkFigures {
  /** req/s of each run, in order, on one running server (steadiness: no TIME_WAIT or leak collapse). */
  runs: number[];
  server: string;
  path: string;
  close: boolean;
}

export interface KvRow {
  server: string;
  path: string;
  pipeline: number;
  set: number;
  get: number;
}

export interface NetFigures {
  http: HttpRow[];
  kv: KvRow[];
  memory: MemoryFigures;
  notes: string[];
  seconds: number;
  repeats: number;
  redisN: number;
}

const BEGIN = '<!-- bench:net begin (written by pnpm --filter @runikraft/bench bench:net) -->';
const END = '<!-- bench:net end -->';
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '–');

export function netSection(f: NetFigures): string {
  const lines = [
    BEGIN,
    '## Network apps (issue 9)',
    '',
    '```sh',
    `pnpm --filter @runikraft/bench bench:net   # RK_BENCH_SECONDS=${f.seconds} RK_BENCH_REPEATS=${f.repeats} RK_BENCH_REDIS_N=${f.redisN}`,
    '```',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus()[0]?.model ?? '?'} (${cpus().length} cores shared with other work; noisy), Node ${process.version}.`,
    `Medians of ${f.repeats} runs. The guests run on the in-process machine (one Node thread for hart, devices and`,
    'the host side of `-netdev user`); baselines run natively on 127.0.0.1. TAP rows drive the guest from a',
    'network namespace through a socat-bridged TAP device.',
    '',
  ];
  for (const close of [false, true]) {
    const base = (name: string) =>
      f.http.find((r) => r.close === close && r.server.startsWith(name))?.rps;
    lines.push(
      `### wrk -t2 -c30 -d${f.seconds}s, 612-byte page${close ? ', `Connection: close` (connections per second)' : ', keep-alive'}`,
      '',
      '| server | path | req/s | p50 | p99 | errors | runs in order, one instance | vs Node http | vs nginx |',
      '|---|---|---|---|---|---|---|---|---|',
      ...f.http
        .filter((r) => r.close === close)
        .map(
          (r) =>
            `| ${r.server} | ${r.path} | ${Math.round(r.rps)} | ${r.p50ms.toFixed(2)} ms | ${r.p99ms.toFixed(2)} ms | ${r.errors} | ${r.runs.map((x) => Math.round(x)).join(' / ')} | ${ratio(r.rps, base('Node'))} | ${ratio(r.rps, base('nginx'))} |`,
        ),
      '',
    );
  }
  for (const p of [16, 1]) {
    const base = f.kv.find((r) => r.pipeline === p && r.server.startsWith('redis'));
    lines.push(
      `### redis-benchmark -c 30 -n ${f.redisN} -t get,set${p > 1 ? ` -P ${p}` : ''}`,
      '',
      '| server | path | SET req/s | GET req/s | SET vs redis | GET vs redis |',
      '|---|---|---|---|---|---|',
      ...f.kv
        .filter((r) => r.pipeline === p)
        .map(
          (r) =>
            `| ${r.server} | ${r.path} | ${Math.round(r.set)} | ${Math.round(r.get)} | ${ratio(r.set, base?.set)} | ${ratio(r.get, base?.get)} |`,
        ),
      '',
    );
  }
  const m = f.memory;
  lines.push(
    '### Memory',
    '',
    '| figure | kvstore | redis-server 7.0 (INFO used_memory) | ratio |',
    '|---|---|---|---|',
    `| per stored key (${m.keys} keys \`key:NNNNNNNN\` → 3-byte value) | ${m.kvBytesPerKey.toFixed(1)} B of guest heap (tlsf, headers included) + ${m.kvIndexBytesPerKey.toFixed(1)} B of JS heap for the key index | ${m.redisBytesPerKey.toFixed(1)} B | ${((m.kvBytesPerKey + m.kvIndexBytesPerKey) / m.redisBytesPerKey).toFixed(2)}× (both heaps) |`,
    `| per idle client connection (${m.conns}) | ${(m.kvBytesPerConn / 1024).toFixed(1)} KiB of JS heap (rknet socket state and buffers; both ends in one heap, half the growth counted) | ${(m.redisBytesPerConn / 1024).toFixed(1)} KiB | ${(m.kvBytesPerConn / m.redisBytesPerConn).toFixed(2)}× |`,
    '',
  );
  for (const n of f.notes) lines.push(`- ${n}`);
  lines.push(END);
  return lines.join('\n');
}

export function writeNetSection(f: NetFigures): void {
  const file = join(repoRoot(), 'BENCHMARKS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = netSection(f);
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  const next =
    a >= 0 && b > a
      ? text.slice(0, a) + section + text.slice(b + END.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  process.stdout.write(`${section}\n`);
}
