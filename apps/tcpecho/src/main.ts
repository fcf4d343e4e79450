// tcpecho: a TCP echo server or echo client on rknet. Arguments (after --):
//   listen=<port>[,<conns>]   echo on <port> for <conns> connections (default 1), then exit
//   connect=<ip>:<port>       connect out and echo what the server sends until it half-closes
// The address comes from netdev.ip= or DHCP. Exit status 0 when every connection ended cleanly.
import type { RkMainArgs } from '@runikraft/rkboot';
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

export default async function main(args: RkMainArgs): Promise<number> {
  const code = await run(args);
  // close() never parks: give the FINs queued by the last close a moment on the wire before the
  // machine powers off (a second covers the handshake's round trips and a retransmission).
  await args.registry.get('rksched').sleep(1e9);
  return code;
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
  const sock = () => {
    const s = net.socket(AF_INET, SOCK_STREAM);
    if (typeof s === 'number') throw new Error(`socket: errno ${-s}`);
    return s;
  };
  const listen = opts.get('listen');
  const connect = opts.get('connect');
  if (listen) {
    const [port = 7, conns = 1] = listen.split(',').map(Number);
    const l = sock();
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
      const n = await echo(c);
      c.close();
      say(`echoed ${n} bytes to ${formatIpv4(peer.addr)}:${peer.port}`);
      if (n < 0) failed++;
    }
    l.close();
    return failed === 0 ? 0 : 1;
  }
  if (connect) {
    const [host, port] = connect.split(':');
    const addr = parseIpv4Addr(host ?? '');
    if (addr === null || !(Number(port) > 0)) {
      say(`bad connect= target '${connect}'`);
      return 2;
    }
    const c = sock();
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
  say('usage: tcpecho -- listen=<port>[,<conns>] | connect=<ip>:<port>');
  return 2;
}
