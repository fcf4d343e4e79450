// Whole-process timing of a command line: hyperfine when installed (its JSON median), else our loop.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './stats';

/** Is `cmd` on PATH? */
export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export interface ProcessTiming {
  /** Median wall time in ms. */
  median: number;
  runs: number;
  tool: 'hyperfine' | 'loop';
}

/**
 * Times `argv` (exit status must be `expectStatus`) `runs` times after 2 warm-up runs.
 * @throws when the command fails or exits with another status.
 */
export function timeProcess(
  argv: string[],
  runs: number,
  cwd: string,
  expectStatus = 0,
): ProcessTiming {
  const check = spawnSync(argv[0], argv.slice(1), {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (check.status !== expectStatus)
    throw new Error(`${argv.join(' ')} exited ${check.status}:\n${check.stdout}${check.stderr}`);
  if (which('hyperfine')) {
    const json = join(mkdtempSync(join(tmpdir(), 'rk-bench-')), 'h.json');
    const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const r = spawnSync(
      'hyperfine',
      ['-N', '--warmup', '2', '--runs', String(runs), '-i', '--export-json', json, quoted],
      { cwd, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
    const res = JSON.parse(readFileSync(json, 'utf8')).results[0];
    return { median: res.median * 1000, runs: res.times.length, tool: 'hyperfine' };
  }
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    spawnSync(argv[0], argv.slice(1), { cwd, stdio: 'ignore' });
    if (i >= 2) times.push(performance.now() - t0);
  }
  return { median: median(times), runs, tool: 'loop' };
}
