// Where the time goes (issue 9): boots an app behind `-netdev user` on the in-process machine, puts a
// real client's load on it, and profiles this process meanwhile (node:inspector, i.e. what
// `node --cpu-prof` records). Prints self time per layer and the hottest functions, mapped to the
// TypeScript sources; writes the raw .cpuprofile next to the bench bundle (open it in Chrome DevTools).
// usage: RK_PROF_LOAD=wrk|redis|sink|source RK_BENCH_SECONDS=10 [RK_PROF=0] pnpm --filter @runikraft/bench bench:netprof
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { freePort } from '../../../../apps/httpreply/test/support/nginx';
import { bootOnUser } from '../../../../apps/httpreply/test/support/tap-guest';
import { parseRedisBenchmark, parseWrk, repoRoot, run } from '../net/tools';
import { profiled, summarise } from './profile';

const LOAD = process.env.RK_PROF_LOAD ?? 'wrk';
const SECONDS = Number(process.env.RK_BENCH_SECONDS ?? 10);
const MB = Number(process.env.RK_BENCH_BULK_MB ?? 64);
const REDIS_N = Number(process.env.RK_BENCH_REDIS_N ?? 200_000);
/** RK_PROF=0: the load's figure alone, no profiler (for before/after comparisons). */
const PROFILE = process.env.RK_PROF !== '0';

interface Setup {
  app: string;
  guestPort: number;
  args: string;
  ready: RegExp;
  /** Runs the load; `units` is how many requests or MB it moved (for CPU time per unit). */
  load(port: number): Promise<{ text: string; units: number; unit: string }>;
}

const peer = join(repoRoot(), 'tools/bench/src/netbulk/peer.mjs');
const SETUPS: Record<string, Setup> = {
  wrk: {
    app: 'httpreply',
    guestPort: 80,
    args: '--',
    ready: /serving on/,
    async load(port) {
      const r = await run(
        'wrk',
        ['-t2', '-c30', `-d${SECONDS}s`, '--latency', `http://127.0.0.1:${port}/`],
        (SECONDS + 30) * 1000,
      );
      const n = Number(/(\d+) requests in/.exec(r.stdout)?.[1] ?? Number.NaN);
      return { text: `${Math.round(parseWrk(r.stdout).rps)} req/s`, units: n, unit: 'request' };
    },
  },
  redis: {
    app: 'kvstore',
    guestPort: 6379,
    args: '--',
    ready: /kvstore: ready/,
    async load(port) {
      const args = [
        '-p',
        String(port),
        '-c',
        '30',
        '-n',
        String(REDIS_N),
        '-P',
        '16',
        '-t',
        'get,set',
        '-q',
      ];
      const r = parseRedisBenchmark((await run('redis-benchmark', args, 600_000)).stdout);
      const text = `SET ${Math.round(r.SET ?? 0)} GET ${Math.round(r.GET ?? 0)} req/s`;
      return { text, units: 2 * REDIS_N, unit: 'request' };
    },
  },
  sink: {
    app: 'tcpecho',
    guestPort: 5001,
    args: '-- sink=5001,1',
    ready: /listening on/,
    async load(port) {
      const r = await run(
        process.execPath,
        [peer, 'send', '127.0.0.1', String(port), String(MB << 20)],
        600_000,
      );
      const { bytes, seconds } = JSON.parse(r.stdout);
      const text = `${(bytes / seconds / 1e6).toFixed(1)} MB/s host → guest`;
      return { text, units: bytes / 1e6, unit: 'MB' };
    },
  },
  source: {
    app: 'tcpecho',
    guestPort: 5001,
    args: `-- source=5001,${MB << 20},1`,
    ready: /listening on/,
    async load(port) {
      const r = await run(
        process.execPath,
        [peer, 'recv', '127.0.0.1', String(port), String(MB << 20)],
        600_000,
      );
      const { bytes, seconds } = JSON.parse(r.stdout);
      const text = `${(bytes / seconds / 1e6).toFixed(1)} MB/s guest → host`;
      return { text, units: bytes / 1e6, unit: 'MB' };
    },
  },
};

async function main(): Promise<void> {
  const s = SETUPS[LOAD];
  if (!s)
    throw new Error(`RK_PROF_LOAD=${LOAD}: expected one of ${Object.keys(SETUPS).join(', ')}`);
  const image = loadImage((await buildImage(join(repoRoot(), 'apps', s.app))).imagePath);
  const port = await freePort();
  const g = await bootOnUser(image, port, s.guestPort, s.args, s.ready);
  const load0 = loadavg()[0];
  // CPU time of this process (machine, guest, host side) per unit: unlike rates, it holds up on a
  // host shared with other work
  const cpu0 = process.cpuUsage();
  const measured = async () => {
    const r = await s.load(port);
    const c = process.cpuUsage(cpu0);
    const us = (c.user + c.system) / r.units;
    return `${r.text}, ${us.toFixed(1)} µs CPU per ${r.unit}`;
  };
  if (!PROFILE) {
    const result = await measured();
    await g.stop();
    process.stdout.write(`${LOAD}: ${result} (load average ${load0.toFixed(1)})\n`);
    return;
  }
  const { result, profile } = await profiled(measured);
  await g.stop();
  const out = join(repoRoot(), 'tools/bench/.rk', `netprof-${LOAD}-${process.pid}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));
  const sum = summarise(profile);
  const pct = (ms: number) => `${((100 * ms) / sum.totalMs).toFixed(1)} %`;
  const lines = [
    `${LOAD} on ${s.app} over -netdev user: ${result} (load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)})`,
    `profile: ${out} (${(sum.totalMs / 1000).toFixed(1)} s sampled)`,
    '',
    '| layer | self time |',
    '|---|---|',
    ...sum.layers.map((l) => `| ${l.layer} | ${pct(l.ms)} |`),
    '',
    '| function | where | layer | self time |',
    '|---|---|---|---|',
    ...sum.top.map((f) => `| ${f.fn} | ${f.where} | ${f.layer} | ${pct(f.ms)} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
