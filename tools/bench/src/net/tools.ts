// Running the load generators (wrk, redis-benchmark) as bounded child processes and reading
// their figures; medians over repeats.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export { type Ran, run } from '../../../../apps/httpreply/test/support/run';

/** Why `tools` cannot run, or null. */
export function missing(tools: string[]): string | null {
  for (const t of tools)
    if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed`;
  return null;
}

export interface WrkFigures {
  rps: number;
  p50ms: number;
  p99ms: number;
  /** Socket errors and non-2xx responses together. */
  errors: number;
}

const toMs = (v: string, unit: string) =>
  Number(v) * (unit === 'us' ? 1e-3 : unit === 's' ? 1e3 : unit === 'm' ? 6e4 : 1);

/** Reads `wrk --latency` output. Throws naming the output when it has no Requests/sec line. */
export function parseWrk(out: string): WrkFigures {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rps) throw new Error(`wrk printed no Requests/sec:\n${out}`);
  const pct = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s|m)`).exec(out);
    return m ? toMs(m[1], m[2]) : Number.NaN;
  };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errors =
    (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0) +
    (non2xx ? Number(non2xx[1]) : 0);
  return { rps: Number(rps[1]), p50ms: pct('50'), p99ms: pct('99'), errors };
}

/** Reads `redis-benchmark -q` output: requests per second per test name. */
export function parseRedisBenchmark(out: string): Record<string, number> {
  const r: Record<string, number> = {};
  for (const m of out.matchAll(/^\s*([A-Z]+):\s+([\d.]+) requests per second/gm))
    r[m[1]] = Number(m[2]);
  return r;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? Number.NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** The repository root (the folder with pnpm-workspace.yaml above the working directory). */
export function repoRoot(): string {
  for (let d = process.cwd(); ; d = dirname(d))
    if (existsSync(join(d, 'pnpm-workspace.yaml')) || dirname(d) === d) return d;
}
