import { Errno, RkError } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { tcpConnect, tcpListen } from '../../../src/socket/tcp/stream';
import { B, pattern } from './harness';
import { world } from './sockworld';

describe('tcp streams (async accept, for-await over connections and bytes, write backpressure)', () => {
  it('an echo server written with for-await echoes 1 MB to three clients bit-exact', async () => {
    const w = world(21, { loss: 0.02, delay: 1 });
    const data = [pattern(1 << 20, 1), pattern(300_000, 2), pattern(5000, 3)];
    const status = await w.sched.runMain(async () => {
      const net = w.startNet();
      const server = tcpListen(w.transport(w.b), 7);
      let served = 0;
      const acceptor = w.sched.spawn('acceptor', async () => {
        for await (const conn of server) {
          served++;
          w.sched.spawn('echo', async () => {
            for await (const chunk of conn) await conn.write(chunk);
            conn.close();
            return 0;
          });
        }
        return 0;
      });
      const clients = data.map((d, i) =>
        w.sched.spawn(`client${i}`, async () => {
          const c = await tcpConnect(w.transport(w.a), B, 7);
          const reader = w.sched.spawn(`reader${i}`, async () => {
            const got = new Uint8Array(d.length);
            let n = 0;
            for await (const chunk of c) {
              got.set(chunk, n);
              n += chunk.length;
            }
            return n === d.length && Buffer.compare(got, d) === 0 ? 0 : 1;
          });
          await c.write(d); // parks while the send buffer is full
          c.end();
          const ok = await w.sched.join(reader);
          c.close();
          return ok;
        }),
      );
      for (const t of clients) if ((await w.sched.join(t)) !== 0) return 1;
      server.close();
      await w.sched.join(acceptor);
      await w.sched.sleep(2e9);
      w.stopNet();
      await w.sched.join(net);
      return served === 3 ? 0 : 2;
    });
    expect(status).toBe(0);
    expect(w.a.buffersInUse + w.b.buffersInUse).toBe(0);
  });

  it('errors surface as RkError: refused connect, listening on a taken port', async () => {
    const w = world(22);
    await w.sched.runMain(async () => {
      const net = w.startNet();
      const err = await tcpConnect(w.transport(w.a), B, 1).catch((e) => e);
      expect(err).toBeInstanceOf(RkError);
      expect(err.errno).toBe(Errno.ECONNREFUSED);
      const s1 = tcpListen(w.transport(w.b), 80);
      expect(() => tcpListen(w.transport(w.b), 80)).toThrow(/EADDRINUSE/);
      expect(s1.port).toBe(80);
      s1.close();
      w.stopNet();
      await w.sched.join(net);
      return 0;
    });
  });
});
