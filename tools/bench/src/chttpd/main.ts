// C HTTP server vs TypeScript (issue 12): apps/c-httpd (C, BSD sockets + poll(), wasm32-wasi on
// libc-shim, asyncify) against apps/httpreply (TypeScript on rknet) in the same run, both booted on
// the in-process machine behind `-netdev user` (host loopback, port forwarded), same 612-byte page,
// wrk -t2 -c30 keep-alive. Runs alternate (httpreply, c-httpd, httpreply, …) on fresh boots so load
// on the shared machine hits both alike. Figures: req/s, and host CPU time of this process (the
// machine: hart, devices, slirp) per request — the fairer figure when the 2 cores are shared.
// Medians of RK_BENCH_REPEATS; writes its section of BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { freePort } from '../../../../apps/httpreply/test/support/nginx';
import { bootOnUser, userNetUnavailable } from '../../../../apps/httpreply/test/support/tap-guest';
import { median, missing, parseWrk, repoRoot, run } from '../net/tools';

const SECONDS = Number(process.env.RK_BENCH_SECONDS ?? 5);
const REPEATS = Number(process.env.RK_BENCH_REPEATS ?? 3);
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Sample {
  rps: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  /** Host CPU µs of this process per request served. */
  cpuUsPerReq: number;
}

const SERVERS = [
  { name: 'httpreply (TypeScript on rknet)', app: 'httpreply', ready: /httpreply: serving on/ },
  { name: 'c-httpd (C on libc-shim, asyncify)', app: 'c-httpd', ready: /c-httpd: serving on/ },
] as const;

async function once(image: ReturnType<typeof loadImage>, s: (typeof SERVERS)[number]) {
  const port = await freePort();
  const append =
    s.app === 'c-httpd' ? 'netdev.ip=10.0.2.15/24:10.0.2.2 -- 8080' : 'httpreply.port=8080';
  const g = await bootOnUser(image, port, 8080, append, s.ready);
  // A short warm-up connection set, then the measured run.
  await run('wrk', ['-t1', '-c4', '-d1s', `http://127.0.0.1:${port}/`], 30_000);
  const cpu0 = process.cpuUsage();
  const r = await run(
    'wrk',
    ['-t2', '-c30', `-d${SECONDS}s`, '--latency', `http://127.0.0.1:${port}/`],
    (SECONDS + 30) * 1000,
  );
  const cpu = process.cpuUsage(cpu0);
  await g.stop();
  const w = parseWrk(r.stdout);
  const total = /(\d+) requests in/.exec(r.stdout);
  const reqs = total ? Number(total[1]) : w.rps * SECONDS;
  return { ...w, cpuUsPerReq: (cpu.user + cpu.system) / Math.max(1, reqs) };
}

const BEGIN =
  '<!-- bench:chttpd begin (written by pnpm --filter @runikraft/bench bench:chttpd) -->';
const END = '<!-- bench:chttpd end -->';

function section(rows: { name: string; samples: Sample[] }[]): string {
  const med = (ss: Sample[], k: keyof Sample) => median(ss.map((s) => s[k]));
  const base = rows[0]!;
  const lines = [
    BEGIN,
    '## C HTTP server on libc-shim vs httpreply (issue 12)',
    '',
    '```sh',
    `pnpm --filter @runikraft/bench bench:chttpd   # RK_BENCH_SECONDS=${SECONDS} RK_BENCH_REPEATS=${REPEATS}`,
    '```',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores shared with other work; noisy), Node ${process.version}.`,
    `Both servers booted on the in-process machine behind \`-netdev user\` (127.0.0.1, port forwarded), fresh boot per run, runs alternating; wrk -t2 -c30 -d${SECONDS}s keep-alive after a 1 s warm-up, 612-byte page. Medians of ${REPEATS}. "CPU/req" is host CPU time of the process running the machine (hart, devices, slirp) per request: the figure to compare while the cores are shared. c-httpd blocks through asyncify here (libc.suspend=auto; this Node runs without --experimental-wasm-stack-switching, so no JSPI).`,
    '',
    '| server | req/s | CPU/req | p50 | p99 | errors | req/s runs | req/s vs httpreply | CPU/req vs httpreply |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const rps = med(r.samples, 'rps');
    const cpu = med(r.samples, 'cpuUsPerReq');
    lines.push(
      `| ${r.name} | ${rps.toFixed(0)} | ${cpu.toFixed(0)} µs | ${med(r.samples, 'p50ms').toFixed(2)} ms | ${med(r.samples, 'p99ms').toFixed(2)} ms | ${r.samples.reduce((a, s) => a + s.errors, 0)} | ${r.samples.map((s) => s.rps.toFixed(0)).join(' / ')} | ${(rps / med(base.samples, 'rps')).toFixed(2)}× | ${(cpu / med(base.samples, 'cpuUsPerReq')).toFixed(2)}× |`,
    );
  }
  lines.push(END);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const why = missing(['wrk']) ?? userNetUnavailable();
  if (why) throw new Error(`bench:chttpd needs ${why}`);
  const images = await Promise.all(
    SERVERS.map(async (s) =>
      loadImage((await buildImage(join(repoRoot(), 'apps', s.app))).imagePath),
    ),
  );
  const rows = SERVERS.map((s) => ({ name: s.name, samples: [] as Sample[] }));
  for (let i = 0; i < REPEATS; i++)
    for (let k = 0; k < SERVERS.length; k++) {
      const s = await once(images[k]!, SERVERS[k]!);
      rows[k]!.samples.push(s);
      log(
        `${SERVERS[k]!.app} run ${i + 1}: ${s.rps} req/s, ${s.cpuUsPerReq.toFixed(0)} µs CPU/req`,
      );
    }
  const file = join(repoRoot(), 'BENCHMARKS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const sec = section(rows);
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  writeFileSync(
    file,
    a >= 0 && b > a
      ? text.slice(0, a) + sec + text.slice(b + END.length)
      : `${text.trimEnd()}\n\n${sec}\n`,
  );
  process.stdout.write(`${sec}\n`);
}

await main();
