// Net backends against real counterparts: raw TCP/UNIX sockets speaking QEMU's length-prefixed
// stream format, UDP datagrams, the hub's seeded faults, and `-netdev` parsing errors.

import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNetBackend, parseNetdev } from '../../src/machine/backends/net/args';
import type { NetBackend } from '../../src/machine/backends/net/backend';
import { DgramNetBackend } from '../../src/machine/backends/net/dgram';
import { NetHub } from '../../src/machine/backends/net/hub';
import { StreamNetBackend } from '../../src/machine/backends/net/stream';

function collector(b: NetBackend, accept = true): Uint8Array[] {
  const got: Uint8Array[] = [];
  b.attach({ receive: (f) => (accept ? got.push(f) > 0 : false) });
  return got;
}
const until = async (cond: () => boolean, ms = 3000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const frame = (n: number, s: number) => Uint8Array.from({ length: n }, (_, i) => (i + s) & 0xff);

describe('stream backend (QEMU -netdev socket/stream wire format)', () => {
  it('sends 4-byte big-endian length + frame to a raw TCP peer and parses frames split across reads', async () => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as { port: number }).port;
    const accepted = once(srv, 'connection');
    const b = new StreamNetBackend('n0', { type: 'inet', host: '127.0.0.1', port }, false);
    const got = collector(b);
    const [peer] = (await accepted) as [import('node:net').Socket];
    await b.ready;
    b.send(frame(60, 1));
    const [wire] = (await once(peer, 'data')) as [Buffer];
    expect(wire.readUInt32BE(0)).toBe(60);
    expect(new Uint8Array(wire.subarray(4))).toEqual(frame(60, 1));
    const out = Buffer.alloc(4 + 1514 + 4 + 64);
    out.writeUInt32BE(1514, 0);
    out.set(frame(1514, 2), 4);
    out.writeUInt32BE(64, 1518);
    out.set(frame(64, 3), 1522);
    for (let i = 0; i < out.length; i += 100) peer.write(out.subarray(i, i + 100)); // dribble
    await until(() => got.length === 2);
    expect(got).toEqual([frame(1514, 2), frame(64, 3)]);
    peer.destroy();
    await until(() => !b.linkUp);
    expect(b.lastError).toMatch(/peer closed/);
    await b.close();
    srv.close();
  });

  it('two backends over a UNIX socket (server=on / off) exchange frames both ways', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rk-net-')), 'sock');
    const s = new StreamNetBackend('a', { type: 'unix', path }, true);
    await s.listening();
    const c = new StreamNetBackend('b', { type: 'unix', path }, false);
    const [gs, gc] = [collector(s), collector(c)];
    await Promise.all([s.ready, c.ready]);
    c.send(frame(100, 4));
    s.send(frame(200, 5));
    await until(() => gs.length === 1 && gc.length === 1);
    expect(gs[0]).toEqual(frame(100, 4));
    expect(gc[0]).toEqual(frame(200, 5));
    await c.close();
    await s.close();
  });

  it('queues frames while the device has no RX buffers and delivers them on flush', async () => {
    const hub = new NetHub(9);
    const [a, b] = [hub.port('a'), hub.port('b')];
    let open = false;
    const got: Uint8Array[] = [];
    b.attach({ receive: (f) => open && got.push(f) > 0 });
    a.send(frame(60, 1));
    a.send(frame(60, 2));
    expect(b.queued).toBe(2);
    open = true;
    b.flush();
    expect(got).toEqual([frame(60, 1), frame(60, 2)]);
  });

  it('closes the stream on an absurd length prefix instead of buffering it', async () => {
    const srv = createServer((sock) => {
      const x = Buffer.alloc(8);
      x.writeUInt32BE(0x7fffffff, 0);
      sock.write(x);
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const b = new StreamNetBackend(
      'n0',
      { type: 'inet', host: '127.0.0.1', port: (srv.address() as { port: number }).port },
      false,
    );
    collector(b);
    await until(() => b.lastError !== null);
    expect(b.lastError).toMatch(/frame length 2147483647 > 65535/);
    await b.close();
    srv.close();
  });
});

describe('dgram backend', () => {
  it('one frame per datagram with a raw UDP peer', async () => {
    const peer = createSocket('udp4');
    peer.bind(0, '127.0.0.1');
    await once(peer, 'listening');
    const b = new DgramNetBackend('n0', {
      local: { host: '127.0.0.1', port: 0 },
      remote: { host: '127.0.0.1', port: peer.address().port },
    });
    await b.ready;
    const got = collector(b);
    b.send(frame(98, 7));
    const [msg] = (await once(peer, 'message')) as [Buffer];
    expect(new Uint8Array(msg)).toEqual(frame(98, 7));
    peer.send(frame(70, 8), b.localPort, '127.0.0.1');
    await until(() => got.length === 1);
    expect(got[0]).toEqual(frame(70, 8));
    peer.close();
    await b.close();
  });
});

describe('hub with seeded fault injection', () => {
  it('forwards to every other port; loss/duplication/reordering/corruption follow the seed', () => {
    const run = (seed: number) => {
      const hub = new NetHub(1, { seed, loss: 0.1, duplicate: 0.1, reorder: 0.1, corrupt: 0.1 });
      const [a, b, c] = [hub.port('a'), hub.port('b'), hub.port('c')];
      const [ga, gb, gc] = [collector(a), collector(b), collector(c)];
      for (let i = 0; i < 500; i++) a.send(frame(64, i));
      return { ga, gb, gc, stats: { ...hub.stats } };
    };
    const r1 = run(42);
    const r2 = run(42);
    expect(r1.ga.length).toBe(0);
    expect(r1.gb).toEqual(r1.gc);
    expect(r1.gb).toEqual(r2.gb);
    expect(r1.stats).toEqual(r2.stats);
    expect(r1.stats.lost).toBeGreaterThan(20);
    expect(r1.stats.duplicated).toBeGreaterThan(20);
    expect(r1.stats.corrupted).toBeGreaterThan(20);
    expect(r1.stats.reordered).toBeGreaterThan(10);
    expect(run(43).stats).not.toEqual(r1.stats);
  });

  it('is lossless and in order without faults', () => {
    const hub = new NetHub(2);
    const [a, b] = [hub.port('a'), hub.port('b')];
    const gb = collector(b);
    for (let i = 0; i < 100; i++) a.send(frame(60, i));
    expect(gb).toEqual(Array.from({ length: 100 }, (_, i) => frame(60, i)));
  });
});

describe('parseNetdev', () => {
  it('maps QEMU syntax to specs', () => {
    expect(parseNetdev('socket,id=n0,connect=127.0.0.1:1234')).toEqual({
      type: 'stream',
      id: 'n0',
      server: false,
      addr: { type: 'inet', host: '127.0.0.1', port: 1234 },
    });
    expect(parseNetdev('socket,id=n0,listen=:1234')).toEqual({
      type: 'stream',
      id: 'n0',
      server: true,
      addr: { type: 'inet', host: '0.0.0.0', port: 1234 },
    });
    expect(parseNetdev('socket,id=u,udp=10.0.0.2:5000,localaddr=:5001')).toEqual({
      type: 'dgram',
      id: 'u',
      local: { host: '0.0.0.0', port: 5001 },
      remote: { host: '10.0.0.2', port: 5000 },
    });
    expect(parseNetdev('stream,id=s,server=on,addr.type=unix,addr.path=/tmp/x,,y')).toEqual({
      type: 'stream',
      id: 's',
      server: true,
      addr: { type: 'unix', path: '/tmp/x,y' },
    });
    expect(
      parseNetdev(
        'dgram,id=d,local.type=inet,local.host=127.0.0.1,local.port=7000,remote.type=inet,remote.host=127.0.0.1,remote.port=7001',
      ).type,
    ).toBe('dgram');
    expect(parseNetdev('tap,id=t,ifname=tap0,script=no,downscript=no')).toEqual({
      type: 'tap',
      id: 't',
      ifname: 'tap0',
    });
    expect(parseNetdev('hubport,id=h,hubid=3')).toEqual({ type: 'hubport', id: 'h', hubid: 3 });
  });

  it('gives precise errors', () => {
    expect(() => parseNetdev('socket,connect=1.2.3.4:5')).toThrow(
      "-netdev socket: 'id=' is required",
    );
    expect(() => parseNetdev('socket,id=n,connect=1.2.3.4:5,listen=:6')).toThrow(
      /exactly one of listen=, connect=, udp=/,
    );
    expect(() => parseNetdev('socket,id=n,connect=nohost')).toThrow(/'nohost' is not host:port/);
    expect(() => parseNetdev('socket,id=n,connect=h:70000')).toThrow(/port 70000 is out of range/);
    expect(() => parseNetdev('tap,id=t,ifname=tap0,script=/etc/qemu-ifup')).toThrow(
      /script=\/etc\/qemu-ifup is not supported/,
    );
    expect(() => parseNetdev('hubport,id=h,hubid=1,hubd=2')).toThrow(
      "-netdev hubport: unknown parameter 'hubd'",
    );
    expect(() => parseNetdev('vde,id=v')).toThrow(/unknown backend type 'vde'/);
    expect(() => parseNetdev('user,id=u,smb=/srv')).toThrow(
      /smb= is not supported by this machine/,
    );
    expect(() => parseNetdev('stream,id=s,addr.type=inet')).toThrow(/'addr.port=' is required/);
  });

  it('creates a hubport backend shared by hubid', async () => {
    const a = await createNetBackend(parseNetdev('hubport,id=a,hubid=77'));
    const b = await createNetBackend(parseNetdev('hubport,id=b,hubid=77'));
    const gb = collector(b);
    a.send(frame(60, 1));
    expect(gb.length).toBe(1);
    await a.close();
    await b.close();
  });
});
