// kvstore's socket loop on real rknet TCP sockets (two stacks on an in-memory link, no machine):
// many clients sharing one keyspace with pipelined commands, and clients that reset mid-command.
import { type RkSocket, SO_LINGER, SOL_SOCKET } from '@runikraft/rknet';
import { describe, expect, it } from 'vitest';
import { CLIENT, loopNet, SERVER } from '../../httpreply/test/support/loopnet';
import { serveKv } from '../src/serve';
import { makeEngine } from './support/engine';

const enc = (s: string) => new TextEncoder().encode(s);

async function readUntil(s: RkSocket, want: string): Promise<string> {
  const buf = new Uint8Array(65536);
  let out = '';
  while (!out.endsWith(want)) {
    const k = await s.recv(buf);
    if (k <= 0) break;
    out += Buffer.from(buf.subarray(0, k)).toString('latin1');
  }
  return out;
}

describe('kvstore over rknet TCP sockets', () => {
  it('200 concurrent clients share the keyspace; resets mid-command leave it consistent', async () => {
    const w = loopNet();
    const e = makeEngine(8 << 20, () => w.env.now());
    const listener = w.socket(SERVER);
    expect(listener.bind({ family: 2, addr: 0, port: 6379 })).toBe(0);
    expect(listener.listen(1024)).toBe(0);
    const before = { total: e.server.totalConnections, connected: e.server.connectedClients };
    const N = 200;
    let ok = 0;
    const status = await w.sched.runMain(async () => {
      w.startNet();
      w.spawn('kvstore', () => serveKv(listener, e.db, e.server, w.spawn));
      const client = async (i: number) => {
        const c = w.socket(CLIENT);
        if ((await c.connect({ family: 2, addr: SERVER, port: 6379 })) !== 0) return 1;
        if (i % 10 === 0) {
          await c.send(enc('*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$100\r\nabc'));
          c.setsockopt(SOL_SOCKET, SO_LINGER, 0);
          c.close();
          return 0;
        }
        await c.send(enc(`SET key:${i} ${i}\r\nINCR counter\r\nGET key:${i}\r\nPING\r\n`));
        const r = await readUntil(c, '+PONG\r\n');
        if (
          new RegExp(
            `^\\+OK\\r\\n:\\d+\\r\\n\\$${String(i).length}\\r\\n${i}\\r\\n\\+PONG\\r\\n$`,
          ).test(r)
        )
          ok++;
        await c.send(enc('QUIT\r\n'));
        await readUntil(c, '+OK\r\n');
        c.close();
        return 0;
      };
      const threads = Array.from({ length: N }, (_, i) => w.sched.spawn(`c${i}`, () => client(i)));
      for (const t of threads) expect(await w.sched.join(t)).toBe(0);
      const c = w.socket(CLIENT);
      await c.connect({ family: 2, addr: SERVER, port: 6379 });
      await c.send(enc('GET counter\r\nDBSIZE\r\nEXISTS x\r\n'));
      expect(await readUntil(c, ':0\r\n')).toBe(
        `$3\r\n${N - N / 10}\r\n:${N - N / 10 + 1}\r\n:0\r\n`,
      );
      c.close();
      for (let i = 0; i < 200 && e.server.connectedClients > before.connected; i++)
        await w.sched.sleep(10e6);
      listener.close();
      w.stopNet();
      return 0;
    });
    expect(status).toBe(0);
    expect(ok).toBe(N - N / 10);
    expect(e.server.totalConnections - before.total).toBe(N + 1);
    expect(e.server.connectedClients).toBe(before.connected);
  });
});
