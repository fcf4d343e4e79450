// tcpecho: a TCP echo server or echo client on rknet. Arguments (after --):
//   listen=<port>[,<conns>]   echo on <port> for <conns> connections (default 1), then exit
//   connect=<ip>:<port>       connect out and echo what the server sends until it half-closes
//   sink=<port>[,<conns>]     read each connection to its end; print its bytes and FNV-1a hash
//   source=<port>,<bytes>[,<conns>]  send <bytes> of BULK_PATTERN on each connection, then close
// The address comes from netdev.ip= or DHCP. Exit status 0 when every connection ended cleanly.
import type { RkMainArgs } from '@runikraft/rkboot';
import type { RkNetStack } from '@runikraft/rknet';
import {
  AF_INET,
  formatIpv4,
  parseIpv4Addr,
  type RkSocket,
  SHUT_WR,
  SO_REUSEADDR,
  SOCK_STREAM,
  SOL_SOCKET,
} from '@runikraft/rknet';
import { sink, source } from './bulk';

/** Echoes until the peer half-closes. @returns bytes echoed, or -errno. */
async function echo(s: RkSocket): Promise<number> {
  const buf = new Uint8Array(64 * 1024);
  let total = 0;
  for (;;) {
    const n = await s.recv(buf);
    if (n < 0) return n;
    if (n === 0) break;
    const w = await s.send(buf.subarray(0, n));
    if (w < 0) return w;
    total += n;
  }
  s.shutdown(SHUT_WR);
  return total;
}

/** Returns as soon as the work is done: rknet's term drains what the last close() queued. */
export default async function main(args: RkMainArgs): Promise<number> {
  return run(args);
}

async function run({ argv, registry, plat }: RkMainArgs): Promise<number> {
  const say = (s: string) => plat.console.out(`tcpecho: ${s}\n`);
  const opts = new Map(argv.slice(1).map((a) => [a.split('=')[0], a.slice(a.indexOf('=') + 1)]));
  const net = registry.get('rknet');
  if ((await net.waitConfigured(15_000)) !== 0) {
    say('no address (DHCP got no lease)');
    return 1;
  }
  say(`address ${formatIpv4(net.iface.config!.addr)}`);
  const listen = opts.get('listen');
  const connect = opts.get('connect');
  const bulkSink = opts.get('sink');
  const bulkSource = opts.get('source');
  if (listen) {
    const [port = 7, conns = 1] = listen.split(',').map(Number);
    return serve(net, say, port, conns, async (c) => {
      const n = await echo(c);
      return n < 0 ? n : `echoed ${n} bytes`;
    });
  }
  if (bulkSink) {
    const [port = 5001, conns = 1] = bulkSink.split(',').map(Number);
    return serve(net, say, port, conns, async (c) => {
      const r = await sink(c);
      if (typeof r === 'number') return r;
      return `sank ${r.bytes} bytes fnv1a=${r.hash.toString(16).padStart(8, '0')}`;
    });
  }
  if (bulkSource) {
    const [port = 5001, bytes = 0, conns = 1] = bulkSource.split(',').map(Number);
    return serve(net, say, port, conns, async (c) => {
      const n = await source(c, bytes);
      return n < 0 ? n : `sourced ${n} bytes`;
    });
  }
  if (connect) {
    const [host, port] = connect.split(':');
    const addr = parseIpv4Addr(host ?? '');
    if (addr === null || !(Number(port) > 0)) {
      say(`bad connect= target '${connect}'`);
      return 2;
    }
    const c = openStream(net);
    const r = await c.connect({ family: AF_INET, addr, port: Number(port) });
    if (r < 0) {
      say(`connect to ${connect}: errno ${-r}`);
      return 1;
    }
    say(`connected to ${connect}`);
    const n = await echo(c);
    c.close();
    say(`echoed ${n} bytes to ${connect}`);
    return n < 0 ? 1 : 0;
  }
  say(
    'usage: tcpecho -- listen=<port>[,<conns>] | connect=<ip>:<port> | sink=<port>[,<conns>] | source=<port>,<bytes>[,<conns>]',
  );
  return 2;
}

function openStream(net: RkNetStack): RkSocket {
  const s = net.socket(AF_INET, SOCK_STREAM);
  if (typeof s === 'number') throw new Error(`socket: errno ${-s}`);
  return s;
}

/**
 * Listens on `port` and runs `handle` on `conns` connections one after another, printing what it
 * returns (a line, or -errno). @returns the exit status: 0 when every connection ended cleanly.
 */
async function serve(
  net: RkNetStack,
  say: (s: string) => void,
  port: number,
  conns: number,
  handle: (c: RkSocket) => Promise<string | number>,
): Promise<number> {
  const l = openStream(net);
  l.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  const r = l.bind({ family: AF_INET, addr: 0, port });
  if (r < 0 || l.listen(16) < 0) {
    say(`cannot listen on ${port}: errno ${-r}`);
    return 1;
  }
  say(`listening on ${port}`);
  let failed = 0;
  for (let i = 0; i < conns; i++) {
    const peer = { addr: 0, port: 0 };
    const c = await l.accept(peer);
    if (typeof c === 'number') return 1;
    const res = await handle(c);
    c.close();
    const who = `${formatIpv4(peer.addr)}:${peer.port}`;
    if (typeof res === 'number') {
      say(`connection from ${who}: errno ${-res}`);
      failed++;
    } else say(`${res} to ${who}`);
  }
  l.close();
  return failed === 0 ? 0 : 1;
}
