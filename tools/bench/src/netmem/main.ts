// Memory per idle connection and per stored key (issue 9): kvstore booted on the in-process machine
// behind `-netdev user` against redis-server, both asked INFO memory's used_memory in the same run.
// kvstore's used_memory is rkalloc's bytes in use, so it counts rknet's socket buffers (guest RAM
// since 161a6a8) as well as keys and values; rknet's connection records and the app's threads live
// in the JS heap and are not in it (bench:net's in-process figure covers those). Medians of
// RK_BENCH_REPEATS runs; writes its section of BENCHMARKS.md.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { loadImage } from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { freePort } from '../../../../apps/httpreply/test/support/nginx';
import { bootOnUser, userNetUnavailable } from '../../../../apps/httpreply/test/support/tap-guest';
import { startRedis } from '../net/baselines';
import { median, missing, repoRoot } from '../net/tools';
import { type MemRow, writeNetMemSection } from './report';

const REPEATS = Number(process.env.RK_BENCH_REPEATS ?? 3);
const CONNS = Number(process.env.RK_BENCH_CONNS ?? 1000);
const KEYS = Number(process.env.RK_BENCH_KEYS ?? 100_000);
const log = (s: string) => process.stderr.write(`${s}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `text` on a fresh connection and collects the reply until `done` says it is complete. */
function ask(
  port: number,
  text: string,
  done: (s: string) => boolean,
  ms = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const s = connect(port, '127.0.0.1', () => s.write(text));
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error(`no complete reply within ${ms} ms (${out.length} bytes)`));
    }, ms);
    s.on('data', (d) => {
      out += d;
      if (done(out)) {
        clearTimeout(t);
        s.destroy();
        resolve(out);
      }
    });
    s.on('error', reject);
  });
}

async function usedMemory(port: number): Promise<number> {
  const info = await ask(port, 'INFO memory\r\n', (s) => /used_memory:\d+\r\n/.test(s));
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

/** Opens `n` connections, 50 at a time. */
async function openIdle(port: number, n: number): Promise<Socket[]> {
  const out: Socket[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from(
      { length: Math.min(50, n - i) },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const c = connect(port, '127.0.0.1', () => resolve(c));
          c.on('error', reject);
        }),
    );
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** One PING on each connection, waiting for every +PONG. */
async function pingAll(conns: Socket[]): Promise<void> {
  await Promise.all(
    conns.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('data', () => resolve());
          c.write('PING\r\n');
        }),
    ),
  );
}

async function measure(port: number): Promise<Omit<MemRow, 'server'>> {
  const u0 = await usedMemory(port);
  const conns = await openIdle(port, CONNS);
  await pause(500);
  const idle = ((await usedMemory(port)) - u0) / CONNS;
  await pingAll(conns);
  await pause(500);
  const afterPing = ((await usedMemory(port)) - u0) / CONNS;
  for (const c of conns) c.destroy();
  await pause(2000);
  const k0 = await usedMemory(port);
  let batch = '';
  for (let i = 0; i < KEYS; i++) {
    const k = `key:${String(i).padStart(8, '0')}`;
    batch += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$3\r\nxxx\r\n`;
  }
  await ask(port, batch, (o) => o.length >= KEYS * 5, 300_000);
  const perKey = ((await usedMemory(port)) - k0) / KEYS;
  return { idle, afterPing, perKey };
}

async function main(): Promise<void> {
  const why = missing(['redis-server']) ?? userNetUnavailable();
  if (why) throw new Error(`bench:netmem needs ${why}`);
  process.chdir(repoRoot());
  const image = loadImage((await buildImage(join(repoRoot(), 'apps/kvstore'))).imagePath);
  const runs: Record<string, Omit<MemRow, 'server'>[]> = { redis: [], kvstore: [] };
  for (let i = 0; i < REPEATS; i++) {
    const redis = await startRedis();
    runs.redis!.push(await measure(redis.port));
    await redis.stop();
    const port = await freePort();
    const g = await bootOnUser(image, port, 6379, '--', /kvstore: ready on /, 256 << 20);
    try {
      runs.kvstore!.push(await measure(port));
    } finally {
      await g.stop();
    }
    log(
      `netmem run ${i + 1}/${REPEATS}: ${JSON.stringify({ redis: runs.redis!.at(-1), kv: runs.kvstore!.at(-1) })}`,
    );
  }
  const med = (rs: Omit<MemRow, 'server'>[]) => ({
    idle: median(rs.map((r) => r.idle)),
    afterPing: median(rs.map((r) => r.afterPing)),
    perKey: median(rs.map((r) => r.perKey)),
  });
  writeNetMemSection({
    rows: [
      { server: 'redis-server 7.0 (127.0.0.1)', ...med(runs.redis!) },
      { server: 'kvstore (Runikraft, -netdev user)', ...med(runs.kvstore!) },
    ],
    conns: CONNS,
    keys: KEYS,
    repeats: REPEATS,
  });
}

await main();
