// A host-side driver that puts rknet's TCP engine on a Linux TUN device (through socat's TUN<->UDP
// bridge, one IPv4 packet per datagram) so Linux's own TCP is the peer. Bundled and started by
// linux.test.ts inside a network namespace the test creates; prints one JSON line per result.
//   serve <udpLocal> <udpPeer>                — port 80: "GET /<n>" answers n bytes; port 81: sink,
//                                               answers the sha256 of what it read
//   connect <udpLocal> <udpPeer> <port> <n>   — sends n bytes, half-closes, reads to EOF
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { RkIpLayer } from '../../../src/ip';
import type { RkTcpConn } from '../../../src/socket/tcp/conn';
import { RkTcp, type RkTcpBinding } from '../../../src/socket/tcp/stack';
import { RkWireError } from '../../../src/wire/error';
import { emitIpv4Header, parseIpv4 } from '../../../src/wire/ipv4';

const ME = 0x0a630002; // 10.99.0.2
const LINUX = 0x0a630001; // 10.99.0.1
const [mode, localPort, peerPort, ...rest] = process.argv.slice(2);
const sock = createSocket('udp4');
const t0 = performance.now();
const now = () => performance.now() - t0;
let ident = 0;

const ip: RkIpLayer = {
  send(proto, src, dst, len, fill) {
    const b = new Uint8Array(20 + len);
    fill(b.subarray(20), src || ME);
    emitIpv4Header(
      {
        tos: 0,
        ident: ident++ & 0xffff,
        dontFragment: true,
        moreFragments: false,
        fragOffset: 0,
        ttl: 64,
        proto,
        src: src || ME,
        dst,
        options: new Uint8Array(0),
      },
      len,
      b,
    );
    sock.send(b, Number(peerPort), '127.0.0.1');
    return 0;
  },
  route: () => ({ src: ME, mtu: 1500 }),
  isLocal: (a) => a === ME,
};

const tcp = new RkTcp(ip, {
  secret: [randomBytes(4).readUInt32LE(), randomBytes(4).readUInt32LE()],
  config: { sendBuffer: 1 << 20, recvBuffer: 1 << 20 },
});
let scheduled = false;
let timer: NodeJS.Timeout | null = null;
const apps: (() => void)[] = [];

function pump(): void {
  scheduled = false;
  for (const a of [...apps]) a();
  tcp.poll(now(), ip);
  for (const a of [...apps]) a();
  const at = tcp.pollAt(now());
  if (timer) clearTimeout(timer);
  timer = at === Number.POSITIVE_INFINITY ? null : setTimeout(pump, Math.max(0, at - now()));
}
function kick(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(pump);
  }
}
tcp.onPollNeeded = kick;

sock.on('message', (msg) => {
  const pkt = parseIpv4(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
  if (pkt instanceof RkWireError || pkt.proto !== 6 || pkt.dst !== ME) return;
  tcp.input(now(), pkt.src, pkt.dst, pkt.payload);
  kick();
});

const chunk = new Uint8Array(65536);
const block = new Uint8Array(65536).map((_, i) => (i * 7 + (i >> 8)) & 0xff);

/** Streams n bytes of `block` out of `c`, then half-closes; hashes what went. */
function sender(c: RkTcpConn, n: number, header?: Uint8Array) {
  const h = createHash('sha256');
  let pending = header ?? new Uint8Array(0);
  let left = n;
  return () => {
    for (;;) {
      if (pending.length === 0) {
        if (left === 0) {
          c.shutdownWrite();
          return h.digest('hex');
        }
        pending = block.subarray(0, Math.min(block.length, left));
        left -= pending.length;
        if (header === undefined || pending !== header) h.update(pending);
      }
      const k = c.send(pending);
      if (k <= 0) return null;
      pending = pending.subarray(k);
    }
  };
}

function serve(): void {
  const http = tcp.listen(tcp.bind(0, 80) as RkTcpBinding, 64) as Exclude<
    ReturnType<RkTcp['listen']>,
    number
  >;
  const sink = tcp.listen(tcp.bind(0, 81) as RkTcpBinding, 64) as typeof http;
  apps.push(() => {
    for (let c = http.accept(); c; c = http.accept()) httpConn(c);
    for (let c = sink.accept(); c; c = sink.accept()) sinkConn(c);
  });
}

function httpConn(c: RkTcpConn): void {
  let req = '';
  let send: (() => string | null) | null = null;
  const app = () => {
    if (!send) {
      const n = c.recv(chunk);
      if (n > 0) req += new TextDecoder().decode(chunk.subarray(0, n));
      const m = /^GET \/(\d+) /.exec(req);
      if (!m || !req.includes('\r\n\r\n')) return;
      const len = Number(m[1]);
      const head = `HTTP/1.1 200 OK\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n`;
      send = sender(c, len, new TextEncoder().encode(head));
    }
    if (send() !== null) {
      apps.splice(apps.indexOf(app), 1);
      c.close();
    }
  };
  apps.push(app);
}

function sinkConn(c: RkTcpConn): void {
  const h = createHash('sha256');
  let got = 0;
  let reply: Uint8Array | null = null;
  const app = () => {
    if (!reply) {
      for (;;) {
        const n = c.recv(chunk);
        if (n > 0) {
          h.update(chunk.subarray(0, n));
          got += n;
          continue;
        }
        if (n === 0) break;
        return;
      }
      const digest = h.digest('hex');
      console.log(
        JSON.stringify({
          sink: true,
          bytes: got,
          sha256: digest,
          options: { ts: c.tsEnabled, sack: c.sackEnabled, wscale: c.sndWscale, mss: c.mss },
        }),
      );
      reply = new TextEncoder().encode(`${digest}\n`);
    }
    if (reply.length > 0) reply = reply.subarray(Math.max(0, c.send(reply)));
    if (reply.length === 0) {
      apps.splice(apps.indexOf(app), 1);
      c.close();
    }
  };
  apps.push(app);
}

function connect(port: number, n: number): void {
  const c = tcp.connect(null, LINUX, port) as RkTcpConn;
  if (typeof c === 'number') throw new Error(`connect: ${c}`);
  const rx = createHash('sha256');
  let got = 0;
  let sentSha: string | null = null;
  let send: (() => string | null) | null = null;
  apps.push(() => {
    if (c.error) {
      console.log(JSON.stringify({ error: c.error }));
      process.exit(1);
    }
    if (!c.synchronized && c.state !== 'CLOSE_WAIT') return;
    send ??= sender(c, n);
    if (sentSha === null) sentSha = send();
    for (;;) {
      const k = c.recv(chunk);
      if (k > 0) {
        rx.update(chunk.subarray(0, k));
        got += k;
        continue;
      }
      if (k === 0 && sentSha !== null) {
        console.log(
          JSON.stringify({
            sent: n,
            sentSha,
            received: got,
            receivedSha: rx.digest('hex'),
            retransmits: tcp.stats.retransmits,
          }),
        );
        c.close();
        setTimeout(() => process.exit(0), 100);
        apps.length = 0;
      }
      return;
    }
  });
  kick();
}

sock.bind(Number(localPort), '127.0.0.1', () => {
  if (mode === 'serve') serve();
  else connect(Number(rest[0]), Number(rest[1]));
  console.log(JSON.stringify({ ready: true }));
  kick();
});
