// Network benchmark (issue 9): httpreply vs nginx (1 worker) vs Node `http` under wrk, and kvstore
// vs redis-server under redis-benchmark, the baselines measured in the same run; the guests run on
// the in-process machine over `-netdev user` (host loopback, port forwarded) and TAP (wrk and
// redis-benchmark in a network namespace). Medians of RK_BENCH_REPEATS runs; writes BENCHMARKS.md.
import { join } from 'node:path';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { freePort } from '../../../../apps/httpreply/test/support/nginx';
import {
  bootOnTap,
  bootOnUser,
  tapGuestUnavailable,
  userNetUnavailable,
} from '../../../../apps/httpreply/test/support/tap-guest';
import { startNginxBaseline, startNodeHttp, startRedis } from './baselines';
import { memoryFigures } from './memory';
import { type HttpRow, type KvRow, writeNetSection } from './report';
import {
  median,
  missing,
  parseRedisBenchmark,
  parseWrk,
  repoRoot,
  run,
  type WrkFigures,
} from './tools';

const SECONDS = Number(process.env.RK_BENCH_SECONDS ?? 10);
const REPEATS = Number(process.env.RK_BENCH_REPEATS ?? 3);
const REDIS_N = Number(process.env.RK_BENCH_REDIS_N ?? 100_000);
const log = (s: string) => process.stderr.write(`${s}\n`);

/** wrk -t2 -c30 against `url` (keep-alive or Connection: close), medians of the repeats. */
async function wrk(
  url: string,
  close: boolean,
  ns?: string,
): Promise<WrkFigures & { runs: number[] }> {
  const runs: WrkFigures[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const args = [
      '-t2',
      '-c30',
      `-d${SECONDS}s`,
      '--latency',
      ...(close ? ['-H', 'Connection: close'] : []),
      url,
    ];
    const r = ns
      ? await run('ip', ['netns', 'exec', ns, 'wrk', ...args], (SECONDS + 30) * 1000)
      : await run('wrk', args, (SECONDS + 30) * 1000);
    runs.push(parseWrk(r.stdout));
  }
  return {
    rps: median(runs.map((r) => r.rps)),
    p50ms: median(runs.map((r) => r.p50ms)),
    p99ms: median(runs.map((r) => r.p99ms)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    runs: runs.map((r) => r.rps),
  };
}

async function redisBench(host: string, port: number, pipeline: number, ns?: string) {
  const args = [
    '-h',
    host,
    '-p',
    String(port),
    '-c',
    '30',
    '-n',
    String(REDIS_N),
    '-P',
    String(pipeline),
    '-t',
    'get,set',
    '-q',
  ];
  const runs: Record<string, number>[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const r = ns
      ? await run('ip', ['netns', 'exec', ns, 'redis-benchmark', ...args], 600_000)
      : await run('redis-benchmark', args, 600_000);
    runs.push(parseRedisBenchmark(r.stdout));
  }
  return { set: median(runs.map((r) => r.SET ?? 0)), get: median(runs.map((r) => r.GET ?? 0)) };
}

async function main(): Promise<void> {
  const why = missing(['wrk', 'nginx', 'redis-server', 'redis-benchmark']);
  if (why) throw new Error(`bench:net needs ${why}`);
  const http: HttpRow[] = [];
  const kv: KvRow[] = [];
  for (const close of [false, true]) {
    const nginx = await startNginxBaseline();
    http.push({
      server: 'nginx 1.22, 1 worker',
      path: '127.0.0.1',
      close,
      ...(await wrk(`http://127.0.0.1:${nginx.port}/`, close)),
    });
    await nginx.stop();
    const node = await startNodeHttp();
    http.push({
      server: 'Node http',
      path: '127.0.0.1',
      close,
      ...(await wrk(`http://127.0.0.1:${node.port}/`, close)),
    });
    await node.stop();
    log(`baselines (close=${close}) done`);
  }
  const memRedis = await startRedis();
  const memory = await memoryFigures(memRedis);
  await memRedis.stop();
  log('memory figures done');
  for (const p of [16, 1]) {
    const redis = await startRedis();
    kv.push({
      server: 'redis-server 7.0',
      path: '127.0.0.1',
      pipeline: p,
      ...(await redisBench('127.0.0.1', redis.port, p)),
    });
    await redis.stop();
  }
  const appDir = (a: string) => join(repoRoot(), 'apps', a);
  const httpImage = loadImage((await buildImage(appDir('httpreply'))).imagePath);
  const kvImage = loadImage((await buildImage(appDir('kvstore'))).imagePath);
  const notes: string[] = [];
  const userWhy = userNetUnavailable();
  if (userWhy) notes.push(`-netdev user rows skipped: ${userWhy}`);
  else {
    for (const close of [false, true]) {
      const port = await freePort();
      const g = await bootOnUser(httpImage, port, 80, '--', /httpreply: serving on/);
      http.push({
        server: 'httpreply (Runikraft)',
        path: '-netdev user',
        close,
        ...(await wrk(`http://127.0.0.1:${port}/`, close)),
      });
      await g.stop();
    }
    for (const p of [16, 1]) {
      const port = await freePort();
      const g = await bootOnUser(kvImage, port, 6379, '--', /kvstore: ready/);
      kv.push({
        server: 'kvstore (Runikraft)',
        path: '-netdev user',
        pipeline: p,
        ...(await redisBench('127.0.0.1', port, p)),
      });
      await g.stop();
    }
  }
  const tapWhy = tapGuestUnavailable(['wrk', 'redis-benchmark']);
  if (tapWhy) notes.push(`TAP rows skipped: ${tapWhy}`);
  else {
    for (const close of [false, true]) {
      const g = await bootOnTap(httpImage, 'bh', '--', /httpreply: serving on/);
      http.push({
        server: 'httpreply (Runikraft)',
        path: 'TAP',
        close,
        ...(await wrk(`http://${g.guestIp}/`, close, g.ns)),
      });
      await g.stop();
    }
    for (const p of [16, 1]) {
      const g = await bootOnTap(kvImage, 'bk', '--', /kvstore: ready/);
      kv.push({
        server: 'kvstore (Runikraft)',
        path: 'TAP',
        pipeline: p,
        ...(await redisBench(g.guestIp, 6379, p, g.ns)),
      });
      await g.stop();
    }
  }
  writeNetSection({ http, kv, memory, notes, seconds: SECONDS, repeats: REPEATS, redisN: REDIS_N });
}

await main();
