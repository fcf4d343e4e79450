// `-netdev user` against Linux's own TCP/IP stack as the guest (no dependence on our guest stack):
// a TAP in a fresh network namespace is bridged to the backend; busybox udhcpc, ping, curl and Node
// programs inside the namespace are the guest's applications, host sockets on 127.0.0.1 the world.
import { type ChildProcess, execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer as httpServer, type Server } from 'node:http';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCV_WND, SLIRP_MSS, SND_BUF_LIMIT } from '../../src/machine/backends/net/user/tcp-flow';
import { testBytes } from './fixtures/test-bytes.mjs';
import { type NetnsGuest, netnsGuest, netnsUnavailableReason } from './user-netns';

const why =
  netnsUnavailableReason() ??
  (spawnSync('busybox', ['udhcpc', '--help'], { stdio: 'ignore' }).error
    ? 'busybox (udhcpc) is not installed (apt-get install busybox)'
    : null);
if (why) console.log(`[skip] -netdev user against Linux in a netns: ${why}`);

const PEER = join(__dirname, 'fixtures', 'netns-peer.mjs');
const DHCP_SCRIPT = join(__dirname, 'fixtures', 'udhcpc-script.sh');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const onLoopback = (host: string) => host === '127.0.0.1';

/** Starts a netns-peer program and waits for its "ready" line. */
async function peer(g: NetnsGuest, ...args: string[]): Promise<ChildProcess> {
  const c = g.spawn(['node', PEER, ...args]);
  let out = '';
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`peer ${args.join(' ')} not ready: ${out}`)), 10_000);
    c.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) {
        clearTimeout(t);
        res();
      }
    });
    c.once('exit', (code) => rej(new Error(`peer ${args.join(' ')} exited ${code}`)));
  });
  return c;
}

async function dhcp(g: NetnsGuest): Promise<Record<string, string>> {
  const out = await g.exec(
    [
      'busybox',
      'udhcpc',
      '-i',
      g.ifname,
      '-n',
      '-q',
      '-f',
      '-t',
      '3',
      '-T',
      '1',
      '-s',
      DHCP_SCRIPT,
    ],
    15_000,
  );
  const bound = out.split('\n').find((l) => l.startsWith('event=bound'));
  if (!bound) throw new Error(`udhcpc got no lease: ${out}`);
  return Object.fromEntries(bound.split(' ').map((kv) => kv.split('=') as [string, string]));
}

const until = async (cond: () => boolean, ms: number) => {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

describe.skipIf(why !== null)(
  '-netdev user with Linux as the guest (restrict=off, NAT to loopback only)',
  () => {
    let g: NetnsGuest;
    let web: Server;
    let webPort = 0;
    let dnsSrv: ReturnType<typeof createSocket>;
    let lease: Record<string, string>;
    beforeAll(async () => {
      web = httpServer((req, res) => res.end(`host page ${req.url}\n`)).listen(0, '127.0.0.1');
      await once(web, 'listening');
      webPort = (web.address() as { port: number }).port;
      // A DNS server on the host's loopback standing in for the host resolver: rk.test A 10.9.9.9.
      dnsSrv = createSocket('udp4');
      dnsSrv.on('message', (q, r) => {
        const end = 12 + q.subarray(12).indexOf(0) + 5;
        const a = Buffer.concat([
          q.subarray(0, 2),
          Buffer.from([0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]),
          q.subarray(12, end),
          Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 9, 9, 9]),
        ]);
        dnsSrv.send(a, r.port, r.address);
      });
      dnsSrv.bind(0, '127.0.0.1');
      await once(dnsSrv, 'listening');
      g = await netnsGuest(
        `rkun${process.pid}`,
        `rkun${process.pid % 100000}`,
        'user,id=u0,hostfwd=tcp:127.0.0.1:0-:80,hostfwd=tcp:127.0.0.1:0-:81,hostfwd=tcp:127.0.0.1:0-:82,hostfwd=udp:127.0.0.1:0-:5555,hostfwd=tcp:127.0.0.1:0-:83',
        {
          allowOutbound: onLoopback,
          dnsUpstream: { host: '127.0.0.1', port: (dnsSrv.address() as { port: number }).port },
        },
      );
      lease = await dhcp(g); // every test below needs the address; the first one checks the lease
    }, 30_000);
    afterAll(async () => {
      await g?.close();
      web?.close();
      dnsSrv?.close();
    });

    it('DHCP hands out QEMU 7.2 slirp lease values (udhcpc)', () => {
      expect(lease).toMatchObject({
        ip: '10.0.2.15',
        subnet: '255.255.255.0',
        router: '10.0.2.2',
        dns: '10.0.2.3',
        lease: '86400',
        serverid: '10.0.2.2',
      });
    });

    it('ping reaches the gateway and the DNS address (TTL 255, answered by the backend)', async () => {
      for (const to of ['10.0.2.2', '10.0.2.3']) {
        const out = await g.exec(['ping', '-c', '3', '-i', '0.2', '-W', '2', to]);
        expect(out).toMatch(/3 received, 0% packet loss/);
        expect(out).toMatch(/ttl=255/);
      }
      expect(await g.exec(['ip', 'neigh', 'show', '10.0.2.2'])).toMatch(/52:55:0a:00:02:02/);
    });

    it('curl to 10.0.2.2 reaches an HTTP server on the host loopback', async () => {
      const out = await g.exec(['curl', '-sS', '-m', '5', `http://10.0.2.2:${webPort}/x`]);
      expect(out).toBe('host page /x\n');
      const multi = await g.exec([
        'curl',
        '-sS',
        '-m',
        '5',
        `http://10.0.2.2:${webPort}/a`,
        `http://10.0.2.2:${webPort}/b`,
      ]);
      expect(multi).toBe('host page /a\nhost page /b\n'); // keep-alive: two requests, one connection
    });

    it('a closed host port is refused (RST), a destination the filter refuses too', async () => {
      const closed = createServer().listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const port = (closed.address() as { port: number }).port;
      await new Promise((r) => closed.close(r));
      await expect(g.exec(['curl', '-sS', '-m', '5', `http://10.0.2.2:${port}/`])).rejects.toThrow(
        /Connection refused|Couldn't connect/,
      );
      await expect(g.exec(['curl', '-sS', '-m', '5', 'http://192.0.2.1:80/'])).rejects.toThrow(
        /Connection refused|Couldn't connect/,
      );
    });

    it('hostfwd: a host client on 127.0.0.1 reaches a server inside the guest (curl)', async () => {
      await peer(g, 'http', '80');
      const url = `http://127.0.0.1:${g.user.hostfwdPorts[0]}`;
      expect(await curl('-sS', '-m', '5', `${url}/fwd`)).toBe('guest says hi to /fwd\n');
      expect(await curl('-sS', '-m', '5', `${url}/a`, `${url}/b`)).toBe(
        'guest says hi to /a\nguest says hi to /b\n',
      );
    });

    it('10 MB host → guest and guest → host through hostfwd, verified by SHA-256', async () => {
      const size = 10 << 20;
      const data = testBytes(size);
      await peer(g, 'sink', '81');
      await peer(g, 'source', '82', String(size));
      const up = connect(g.user.hostfwdPorts[1], '127.0.0.1');
      let reply = '';
      up.on('data', (d) => (reply += d));
      up.end(data);
      await once(up, 'end');
      expect(reply.trim()).toBe(`${size} ${sha(data)}`);
      const down = connect(g.user.hostfwdPorts[2], '127.0.0.1');
      const chunks: Buffer[] = [];
      down.on('data', (d) => chunks.push(d));
      await once(down, 'end');
      expect(sha(Buffer.concat(chunks))).toBe(sha(data));
      expect(await until(() => g.user.tcp.list().length === 0, 5000)).toBe(true);
    }, 60_000);

    it('guest → host bulk through the NAT (10 MB to a host sink on loopback)', async () => {
      const size = 10 << 20;
      const srv = createServer({ allowHalfOpen: true }, (s) => {
        const h = createHash('sha256');
        let n = 0;
        s.on('data', (d) => {
          h.update(d);
          n += d.length;
        });
        s.on('end', () => s.end(`${n} ${h.digest('hex')}`));
      }).listen(0, '127.0.0.1');
      await once(srv, 'listening');
      const port = (srv.address() as { port: number }).port;
      const out = await g.exec(
        ['node', PEER, 'send', '10.0.2.2', String(port), String(size)],
        60_000,
      );
      expect(out.trim()).toBe(`${size} ${sha(testBytes(size))}`);
      srv.close();
    }, 60_000);

    it('UDP NAT: a datagram to 10.0.2.2 reaches a host socket and the answer comes from 10.0.2.2', async () => {
      const echo = createSocket('udp4');
      echo.on('message', (m, r) =>
        echo.send(Buffer.concat([Buffer.from('host:'), m]), r.port, r.address),
      );
      echo.bind(0, '127.0.0.1');
      await once(echo, 'listening');
      const port = (echo.address() as { port: number }).port;
      const out = await g.exec(['node', PEER, 'udp-ask', '10.0.2.2', String(port), 'ping']);
      expect(out.trim()).toBe(`10.0.2.2:${port} host:ping`);
      echo.close();
    });

    it('hostfwd=udp: a host datagram reaches the guest and its answer returns to the client', async () => {
      await peer(g, 'udp-echo', '5555');
      const c = createSocket('udp4');
      c.bind(0, '127.0.0.1');
      await once(c, 'listening');
      const got = once(c, 'message');
      c.send('hello', g.user.hostfwdPorts[3], '127.0.0.1');
      const [msg] = (await got) as [Buffer];
      expect(String(msg)).toBe('echo:hello');
      c.close();
    });

    it('DNS to 10.0.2.3 is forwarded to the resolver and answered from 10.0.2.3', async () => {
      expect((await g.exec(['node', PEER, 'resolve', '10.0.2.3', 'rk.test'])).trim()).toBe(
        '10.9.9.9',
      );
    });

    it('flow control: a guest that does not read pauses the host socket; buffering stays bounded', async () => {
      const size = 8 << 20;
      const data = testBytes(size);
      const sink = await peer(g, 'sink', '83', 'paused');
      const c = connect(g.user.hostfwdPorts[4], '127.0.0.1');
      let reply = '';
      c.on('data', (d) => (reply += d));
      c.end(data);
      // The guest's receive buffer fills, its window closes, the flow holds ≤ SND_BUF_LIMIT + one read.
      expect(
        await until(
          () => g.user.tcp.list().some((f) => f.buffered.toGuest >= SND_BUF_LIMIT),
          10_000,
        ),
      ).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      const flow = g.user.tcp.list()[0];
      expect(flow.maxBuffered).toBeLessThanOrEqual(SND_BUF_LIMIT + 65536);
      expect(c.writableLength).toBeGreaterThan(size / 8); // the host client is held back
      sink.stdin!.write('go\n');
      await once(c, 'end');
      expect(reply.trim()).toBe(`${size} ${sha(data)}`);
      expect(flow.maxBuffered).toBeLessThanOrEqual(SND_BUF_LIMIT + 65536);
    }, 60_000);

    it("flow control: a host client that does not read closes the guest's window", async () => {
      const size = 8 << 20;
      let conn: import('node:net').Socket | null = null;
      const h = createHash('sha256');
      let n = 0;
      const srv = createServer({ allowHalfOpen: true }, (s) => {
        conn = s;
        s.pause();
        s.on('data', (d) => {
          h.update(d);
          n += d.length;
        });
        s.on('end', () => s.end(`${n} ${h.digest('hex')}`));
      }).listen(0, '127.0.0.1');
      await once(srv, 'listening');
      const port = (srv.address() as { port: number }).port;
      const sender = g.exec(['node', PEER, 'send', '10.0.2.2', String(port), String(size)], 60_000);
      expect(await until(() => g.user.tcp.list().some((f) => f.zeroWindows > 0), 15_000)).toBe(
        true,
      );
      const flow = g.user.tcp.list().find((f) => f.zeroWindows > 0)!;
      expect(flow.buffered.toHost).toBeLessThanOrEqual(RCV_WND + SLIRP_MSS);
      conn!.resume();
      expect((await sender).trim()).toBe(`${size} ${sha(testBytes(size))}`);
      srv.close();
    }, 60_000);
  },
);

describe.skipIf(why !== null)('-netdev user,restrict=on with Linux as the guest', () => {
  let g: NetnsGuest;
  let lease: Record<string, string>;
  let web: Server;
  let webPort = 0;
  beforeAll(async () => {
    web = httpServer((_req, res) => res.end('must not be reached\n')).listen(0, '127.0.0.1');
    await once(web, 'listening');
    webPort = (web.address() as { port: number }).port;
    g = await netnsGuest(
      `rkur${process.pid}`,
      `rkur${process.pid % 100000}`,
      'user,id=u1,restrict=on,hostfwd=tcp:127.0.0.1:0-:80',
      { dnsUpstream: null },
    );
    lease = await dhcp(g);
  }, 30_000);
  afterAll(async () => {
    await g?.close();
    web?.close();
  });

  it('DHCP leaves out router and DNS, as QEMU does under restrict=on', () => {
    expect(lease).toMatchObject({ ip: '10.0.2.15', subnet: '255.255.255.0', router: '', dns: '' });
  });

  it('the gateway answers ping; a connection to 10.0.2.2 is refused; DNS gets no answer', async () => {
    expect(await g.exec(['ping', '-c', '2', '-i', '0.2', '-W', '2', '10.0.2.2'])).toMatch(
      /0% packet loss/,
    );
    await expect(g.exec(['curl', '-sS', '-m', '5', `http://10.0.2.2:${webPort}/`])).rejects.toThrow(
      /Connection refused|Couldn't connect/,
    );
    expect((await g.exec(['node', PEER, 'resolve', '10.0.2.3', 'rk.test'])).trim()).toBe(
      'error ETIMEOUT',
    );
  });

  it('hostfwd still reaches the guest', async () => {
    await peer(g, 'http', '80');
    expect(await curl('-sS', '-m', '5', `http://127.0.0.1:${g.user.hostfwdPorts[0]}/r`)).toBe(
      'guest says hi to /r\n',
    );
  });
});

/** Runs the host's curl without blocking the event loop (the backend lives in this process). */
async function curl(...args: string[]): Promise<string> {
  return (await promisify(execFile)('curl', args, { timeout: 10_000 })).stdout;
}

describe.skipIf(why !== null)('-netdev user under frame loss (both ends retransmit)', () => {
  let g: NetnsGuest;
  beforeAll(async () => {
    g = await netnsGuest(
      `rkul${process.pid}`,
      `rkul${process.pid % 100000}`,
      'user,id=u2,restrict=on,hostfwd=tcp:127.0.0.1:0-:81,hostfwd=tcp:127.0.0.1:0-:82',
      { dnsUpstream: null },
      0.02,
    );
    await g.exec(['ip', 'addr', 'add', '10.0.2.15/24', 'dev', g.ifname]);
  }, 30_000);
  afterAll(async () => {
    await g?.close();
  });

  it('2 MB each way through hostfwd with 2% of the frames dropped arrive intact', async () => {
    const size = 2 << 20;
    const data = testBytes(size);
    await peer(g, 'sink', '81');
    await peer(g, 'source', '82', String(size));
    const up = connect(g.user.hostfwdPorts[0], '127.0.0.1');
    let reply = '';
    up.on('data', (d) => (reply += d));
    up.end(data);
    await once(up, 'end');
    expect(reply.trim()).toBe(`${size} ${sha(data)}`);
    const down = connect(g.user.hostfwdPorts[1], '127.0.0.1');
    const chunks: Buffer[] = [];
    down.on('data', (d) => chunks.push(d));
    await once(down, 'end');
    expect(sha(Buffer.concat(chunks))).toBe(sha(data));
  }, 60_000);
});
