import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkSockAddrOut, RkSocket } from '../../../src/socket/api';
import {
  IPPROTO_TCP,
  MSG_DONTWAIT,
  RK_POLLIN,
  RK_POLLOUT,
  RK_POLLRDHUP,
  SHUT_WR,
  SO_ERROR,
  SO_REUSEADDR,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  TCP_MAXSEG,
  TCP_NODELAY,
} from '../../../src/socket/consts';
import { A, B, pattern } from './harness';
import { world } from './sockworld';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function readAll(s: RkSocket): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const buf = new Uint8Array(8192);
  for (;;) {
    const n = await s.recv(buf);
    if (n < 0) throw new Error(`recv ${Errno[n as never] ?? n}`);
    if (n === 0) break;
    parts.push(buf.slice(0, n));
  }
  const out = new Uint8Array(parts.reduce((k, p) => k + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('tcp sockets (BSD API over rksched)', () => {
  it('a blocking server and client: accept, request, 200 KB response, EOF, close', async () => {
    const w = world();
    const body = pattern(200_000, 9);
    const status = await w.sched.runMain(async () => {
      const net = w.startNet();
      const srv = w.sock(w.b);
      expect(srv.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)).toBe(0);
      expect(srv.bind({ family: 2, addr: 0, port: 80 })).toBe(0);
      expect(srv.listen(8)).toBe(0);
      const server = w.sched.spawn('server', async () => {
        const peer: RkSockAddrOut = { addr: 0, port: 0 };
        const conn = await srv.accept(peer);
        if (typeof conn === 'number') return 10;
        if (peer.addr !== A) return 11;
        conn.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
        const req = new Uint8Array(100);
        const n = await conn.recv(req);
        if (dec(req.subarray(0, n)) !== 'GET /') return 12;
        if ((await conn.send(body)) !== body.length) return 13;
        conn.close();
        return 0;
      });
      const cli = w.sock(w.a);
      expect(await cli.connect({ family: 2, addr: B, port: 80 })).toBe(0);
      const me: RkSockAddrOut = { addr: 0, port: 0 };
      expect(cli.getsockname(me)).toBe(0);
      expect(me.addr).toBe(A);
      expect(me.port).toBeGreaterThanOrEqual(49152);
      expect(cli.getsockopt(IPPROTO_TCP, TCP_MAXSEG)).toBe(1460);
      expect(await cli.send(enc('GET /'))).toBe(5);
      const got = await readAll(cli);
      expect(got.length).toBe(body.length);
      expect(Buffer.compare(got, body)).toBe(0);
      expect(cli.pollEvents() & RK_POLLRDHUP).toBeTruthy();
      expect(await w.sched.join(server)).toBe(0);
      cli.close();
      srv.close();
      await w.sched.sleep(1e9);
      w.stopNet();
      await w.sched.join(net);
      return 0;
    });
    expect(status).toBe(0);
    expect(w.a.buffersInUse + w.b.buffersInUse).toBe(0);
    expect(w.a.connectionCount + w.b.connectionCount).toBe(0);
  });

  it('non-blocking: connect is EINPROGRESS then OUT, recv EAGAIN, refused connect sets SO_ERROR', async () => {
    const w = world(2);
    const status = await w.sched.runMain(async () => {
      const net = w.startNet();
      const srv = w.sock(w.b);
      srv.bind({ family: 2, addr: 0, port: 7 });
      srv.listen(1);
      const c = w.sock(w.a, SOCK_NONBLOCK);
      expect(await c.connect({ family: 2, addr: B, port: 7 })).toBe(-Errno.EINPROGRESS);
      expect(await c.connect({ family: 2, addr: B, port: 7 })).toBe(-Errno.EALREADY);
      expect(c.pollEvents() & RK_POLLOUT).toBe(0);
      await w.sched.sleep(20e6);
      expect(c.pollEvents() & RK_POLLOUT).toBeTruthy();
      expect(await c.connect({ family: 2, addr: B, port: 7 })).toBe(-Errno.EISCONN);
      expect(await c.recv(new Uint8Array(4))).toBe(-Errno.EAGAIN);
      expect(srv.pollEvents() & RK_POLLIN).toBeTruthy();
      const s = (await srv.accept()) as RkSocket;
      expect(await s.recv(new Uint8Array(4), MSG_DONTWAIT)).toBe(-Errno.EAGAIN);
      expect(await c.send(enc('ping'))).toBe(4);
      expect(c.shutdown(SHUT_WR)).toBe(0);
      expect(dec(await readAll(s))).toBe('ping');
      const r = w.sock(w.a, SOCK_NONBLOCK);
      expect(await r.connect({ family: 2, addr: B, port: 9 })).toBe(-Errno.EINPROGRESS);
      await w.sched.sleep(20e6);
      expect(r.getsockopt(SOL_SOCKET, SO_ERROR)).toBe(Errno.ECONNREFUSED);
      const blocking = w.sock(w.a);
      expect(await blocking.connect({ family: 2, addr: B, port: 9 })).toBe(-Errno.ECONNREFUSED);
      const dup = w.sock(w.b);
      expect(dup.bind({ family: 2, addr: 0, port: 7 })).toBe(-Errno.EADDRINUSE);
      for (const x of [c, s, r, srv, blocking, dup]) x.close();
      expect(srv.close()).toBe(-Errno.EBADF);
      await w.sched.sleep(1e9);
      w.stopNet();
      await w.sched.join(net);
      return 0;
    });
    expect(status).toBe(0);
  });
});
