// The bench:netmem section of BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface MemRow {
  server: string;
  /** used_memory growth per connection, connected and silent. */
  idle: number;
  /** The same after one PING on each (buffers touched). */
  afterPing: number;
  /** used_memory growth per key (`key:NNNNNNNN` → 3-byte value). */
  perKey: number;
}

export interface NetMemFigures {
  rows: MemRow[];
  conns: number;
  keys: number;
  repeats: number;
}

const BEGIN =
  '<!-- bench:netmem begin (written by pnpm --filter @runikraft/bench bench:netmem) -->';
const END = '<!-- bench:netmem end -->';
const b = (x: number) => `${x.toFixed(1)} B`;

export function section(f: NetMemFigures): string {
  const [redis, kv] = f.rows;
  const ratio = (a?: number, z?: number) => (a !== undefined && z ? `${(a / z).toFixed(2)}×` : '–');
  return [
    BEGIN,
    '## Memory per connection and per key, guest allocator vs redis-server (issue 9)',
    '',
    '```sh',
    `pnpm --filter @runikraft/bench bench:netmem   # RK_BENCH_REPEATS=${f.repeats} RK_BENCH_CONNS=${f.conns} RK_BENCH_KEYS=${f.keys}`,
    '```',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus()[0]?.model ?? '?'}, Node ${process.version}; medians of ${f.repeats} runs.`,
    "Both servers report INFO memory's `used_memory`; the figures are its growth divided by the count. kvstore's",
    "used_memory is rkalloc's bytes in use (tlsf, usable sizes): values and rknet's socket buffers (guest RAM,",
    'allocated lazily: a silent connection holds none, one that exchanged a PING holds its two first 4 KiB ring blocks).',
    "rknet's connection records, kvstore's per-connection thread and kvstore's key index (~190 B per key) live in the",
    'JS heap and are not counted here (bench:net reports those JS-heap figures), so the per-key ratio compares guest',
    'heap alone; with its JS-heap key index kvstore costs ~2.5× redis-server per key. kvstore ran behind `-netdev user` on the in-process machine, redis-server',
    `on 127.0.0.1; ${f.conns} connections opened 50 at a time, ${f.keys} keys \`key:NNNNNNNN\` → 3-byte value by one pipelined batch.`,
    '',
    '| server | per idle connection | per connection after one PING | per stored key |',
    '|---|---|---|---|',
    ...f.rows.map((r) => `| ${r.server} | ${b(r.idle)} | ${b(r.afterPing)} | ${b(r.perKey)} |`),
    `| kvstore / redis-server | ${ratio(kv?.idle, redis?.idle)} | ${ratio(kv?.afterPing, redis?.afterPing)} | ${ratio(kv?.perKey, redis?.perKey)} |`,
    '',
    END,
  ].join('\n');
}

/** Replaces (or appends) the section in `path` (run from the repository root). */
export function writeNetMemSection(f: NetMemFigures, path = 'BENCHMARKS.md'): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const s = section(f);
  const a = text.indexOf(BEGIN);
  const e = text.indexOf(END);
  const out =
    a >= 0 && e > a
      ? text.slice(0, a) + s + text.slice(e + END.length)
      : `${text.trimEnd()}\n\n${s}\n`;
  writeFileSync(path, out);
}
