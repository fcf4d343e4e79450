// httpreply's socket loop on real rknet TCP sockets (two stacks on an in-memory link, no machine):
// keep-alive sessions, many concurrent clients, and clients that reset or vanish mid-request.
import { type RkSocket, SO_LINGER, SOL_SOCKET } from '@runikraft/rknet';
import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../src/http/server';
import { builtinSite } from '../src/http/site';
import { type HttpServeStats, serveHttp } from '../src/serve';
import { CLIENT, loopNet, SERVER } from './support/loopnet';

const enc = (s: string) => new TextEncoder().encode(s);
const GET = enc('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
const RESPONSE_BYTES = 612 + 235; // body + nginx-shaped headers with Server: httpreply

/** Reads until `n` bytes arrived or the stream ended. */
async function readBytes(s: RkSocket, n: number): Promise<string> {
  const buf = new Uint8Array(65536);
  let out = '';
  while (out.length < n) {
    const k = await s.recv(buf);
    if (k <= 0) break;
    out += Buffer.from(buf.subarray(0, k)).toString('latin1');
  }
  return out;
}

function setup() {
  const w = loopNet();
  const stats: HttpServeStats = { accepted: 0, active: 0, requests: 0, aborted: 0 };
  const server = createHttpServer({
    site: builtinSite(),
    port: 80,
    wallClock: () => 1_767_225_600,
  });
  const listener = w.socket(SERVER);
  expect(listener.bind({ family: 2, addr: 0, port: 80 })).toBe(0);
  expect(listener.listen(1024)).toBe(0);
  const connect = async () => {
    const c = w.socket(CLIENT);
    expect(await c.connect({ family: 2, addr: SERVER, port: 80 })).toBe(0);
    return c;
  };
  return { w, stats, server, listener, connect };
}

describe('httpreply over rknet TCP sockets', () => {
  it('serves keep-alive requests, then closes on Connection: close', async () => {
    const { w, stats, server, listener, connect } = setup();
    const status = await w.sched.runMain(async () => {
      w.startNet();
      w.spawn('httpreply', () => serveHttp(listener, server, w.spawn, stats));
      const c = await connect();
      for (let i = 0; i < 5; i++) {
        await c.send(GET);
        const r = await readBytes(c, RESPONSE_BYTES);
        expect(r).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Length: 612\r\n[\s\S]*<\/html>\n$/);
        expect(r.length).toBe(RESPONSE_BYTES);
      }
      await c.send(enc('GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      const last = await readBytes(c, 1 << 20);
      expect(last).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*Connection: close\r\n/);
      c.close();
      listener.close();
      w.stopNet();
      return 0;
    });
    expect(status).toBe(0);
    expect(stats).toMatchObject({ accepted: 1, requests: 6, aborted: 0 });
  });

  it('serves 1,000 concurrent clients and survives clients that reset or vanish', async () => {
    const { w, stats, server, listener, connect } = setup();
    const N = 1000;
    let ok = 0;
    const status = await w.sched.runMain(async () => {
      w.startNet();
      w.spawn('httpreply', () => serveHttp(listener, server, w.spawn, stats));
      const client = async (i: number) => {
        const c = await connect();
        if (i % 10 === 0) {
          // abrupt: half a request, then RST
          await c.send(enc('GET / HTTP/1.1\r\nHo'));
          c.setsockopt(SOL_SOCKET, SO_LINGER, 0);
          c.close();
          return 0;
        }
        await c.send(enc('GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        if (i % 10 === 1) {
          c.setsockopt(SOL_SOCKET, SO_LINGER, 0);
          c.close(); // gone before reading its responses
          return 0;
        }
        if ((await readBytes(c, 2 * RESPONSE_BYTES)).length === 2 * RESPONSE_BYTES) ok++;
        c.close();
        return 0;
      };
      const threads = Array.from({ length: N }, (_, i) =>
        w.sched.spawn(`client${i}`, () => client(i)),
      );
      for (const t of threads) await w.sched.join(t);
      // the server is still healthy afterwards
      const c = await connect();
      await c.send(GET);
      expect((await readBytes(c, RESPONSE_BYTES)).length).toBe(RESPONSE_BYTES);
      c.close();
      for (let i = 0; i < 200 && stats.active > 0; i++) await w.sched.sleep(10e6);
      listener.close();
      w.stopNet();
      return 0;
    });
    expect(status).toBe(0);
    expect(ok).toBe(N - 2 * (N / 10));
    expect(stats.accepted).toBe(N + 1);
    expect(stats.active).toBe(0);
  });
});
