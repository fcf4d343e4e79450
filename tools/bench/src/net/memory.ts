// Memory per stored key (kvstore's guest heap vs redis-server's INFO used_memory) and per idle
// client connection (kvstore's serve loop on two rknet TCP stacks in this process: JS heap, since
// rknet keeps socket state and buffers in the JS heap, vs redis-server's used_memory).
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CLIENT, loopNet, SERVER } from '../../../../apps/httpreply/test/support/loopnet';
import { serveKv } from '../../../../apps/kvstore/src/serve';
import { makeEngine } from '../../../../apps/kvstore/test/support/engine';
import type { RunningRedis } from './baselines';

export interface MemoryFigures {
  keys: number;
  /** Guest heap consumed (allocator free-space delta, headers included). */
  kvBytesPerKey: number;
  /** JS heap of the key index (Map, entry records, SCAN buckets). */
  kvIndexBytesPerKey: number;
  redisBytesPerKey: number;
  conns: number;
  kvBytesPerConn: number;
  redisBytesPerConn: number;
}

const setCmd = (i: number) => {
  const k = `key:${String(i).padStart(8, '0')}`;
  return `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$3\r\nxxx\r\n`;
};

async function redisUsed(port: number): Promise<number> {
  const info = await redisSend(port, '*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n', (s) =>
    s.includes('used_memory:'),
  );
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

function redisSend(port: number, text: string, done: (s: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (d) => {
      out += d;
      if (done(out)) {
        s.destroy();
        resolve(out);
      }
    });
  });
}

function heapUsed(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

export async function memoryFigures(
  redis: RunningRedis,
  keys = 100_000,
  conns = 1000,
): Promise<MemoryFigures> {
  const e = makeEngine(64 << 20);
  const s = e.session();
  const before = e.alloc.availmem();
  const h0 = heapUsed();
  for (let i = 0; i < keys; i += 1000) {
    let batch = '';
    for (let j = i; j < i + 1000; j++) batch += setCmd(j);
    s.receive(Buffer.from(batch, 'latin1'));
  }
  const kvIndexBytesPerKey = (heapUsed() - h0) / keys;
  const kvBytesPerKey = (before - e.alloc.availmem()) / keys;
  const r0 = await redisUsed(redis.port);
  let all = '';
  for (let i = 0; i < keys; i++) all += setCmd(i);
  await redisSend(redis.port, all, (o) => o.split('+OK').length - 1 >= keys);
  const redisBytesPerKey = ((await redisUsed(redis.port)) - r0) / keys;

  const c0 = await redisUsed(redis.port);
  const sockets = await Promise.all(
    Array.from(
      { length: conns },
      () =>
        new Promise<ReturnType<typeof connect>>((r) => {
          const c = connect(redis.port, '127.0.0.1', () => r(c));
        }),
    ),
  );
  const redisBytesPerConn = ((await redisUsed(redis.port)) - c0) / conns;
  for (const c of sockets) c.destroy();

  const w = loopNet();
  const kv = makeEngine(8 << 20, () => w.env.now());
  const listener = w.socket(SERVER);
  listener.bind({ family: 2, addr: 0, port: 6379 });
  listener.listen(conns + 16);
  let kvBytesPerConn = Number.NaN;
  await w.sched.runMain(async () => {
    w.startNet();
    w.spawn('kv', () => serveKv(listener, kv.db, kv.server, w.spawn));
    await w.sched.sleep(1e6);
    const h0 = heapUsed();
    const clients = [];
    for (let i = 0; i < conns; i++) {
      const c = w.socket(CLIENT);
      await c.connect({ family: 2, addr: SERVER, port: 6379 });
      clients.push(c);
    }
    await w.sched.sleep(50e6);
    // both ends live in this process: count half the growth for the server's side
    kvBytesPerConn = (heapUsed() - h0) / 2 / conns;
    for (const c of clients) c.close();
    listener.close();
    w.stopNet();
    return 0;
  });
  return {
    keys,
    kvBytesPerKey,
    kvIndexBytesPerKey,
    redisBytesPerKey,
    conns,
    kvBytesPerConn,
    redisBytesPerConn,
  };
}
