// The README usage example (the echo server), verbatim, run against a client on the simulated link.
import { expect, it } from 'vitest';
import { type RkTransport, tcpConnect, tcpListen } from '../../../src/index';
import { B, pattern } from './harness';
import { world } from './sockworld';

/** An echo server: one thread per connection, each echoing until the client half-closes. */
async function echoServer(tcp: RkTransport, spawn: (fn: () => Promise<number>) => void) {
  const server = tcpListen(tcp, 7); // SO_REUSEADDR on, backlog 128
  for await (const conn of server) {
    conn.setNoDelay();
    spawn(async () => {
      for await (const chunk of conn) await conn.write(chunk); // write() parks while the buffer is full
      conn.close();
      return 0;
    });
  }
}

it('README example: the echo server echoes 100 KB', async () => {
  const w = world(41);
  const data = pattern(100_000, 5);
  const ok = await w.sched.runMain(async () => {
    const net = w.startNet();
    w.sched.spawn('server', async () => {
      await echoServer(w.transport(w.b), (fn) => w.sched.spawn('echo', fn));
      return 0;
    });
    await w.sched.sleep(1e6);
    const c = await tcpConnect(w.transport(w.a), B, 7);
    const reader = w.sched.spawn('reader', async () => {
      const parts: number[] = [];
      for await (const chunk of c) parts.push(...chunk);
      return Buffer.compare(Uint8Array.from(parts), data) === 0 ? 0 : 1;
    });
    await c.write(data);
    c.end();
    const r = await w.sched.join(reader);
    c.close();
    w.stopNet();
    await w.sched.join(net);
    return r;
  });
  expect(ok).toBe(0);
});
