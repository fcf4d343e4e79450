// udp-echo: a UDP echo server and ping client on rknet. Arguments (after --), any order:
//   echo=<port>            serve UDP echo on <port> (default 7); a datagram "quit" ends the run
//   ping=<ip>[,<count>]    ping <ip> <count> times (default 3) with an ICMP echo socket first
//   send=<ip>:<port>:<text> send <text> to <ip>:<port> and print the reply
//   wait=<ms>              serve at most this long (default 20000)
// The address comes from netdev.ip= or DHCP. Exit status 0 when every ping and send was answered.
import type { RkMainArgs } from '@runikraft/rkboot';
import {
  AF_INET,
  formatIpv4,
  IPPROTO_ICMP,
  parseIpv4Addr,
  type RkSocket,
  SO_RCVTIMEO,
  SOCK_DGRAM,
  SOL_SOCKET,
} from '@runikraft/rknet';

export default async function main({ argv, registry, plat }: RkMainArgs): Promise<number> {
  const say = (s: string) => plat.console.out(`udp-echo: ${s}\n`);
  // Created here, not at module scope: rkboot installs the codecs in the guest realm at boot.
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const opts = new Map(argv.slice(1).map((a) => [a.split('=')[0], a.slice(a.indexOf('=') + 1)]));
  const net = registry.get('rknet');
  const sched = registry.get('rksched');
  if ((await net.waitConfigured(15_000)) !== 0) {
    say('no address (DHCP got no lease)');
    return 1;
  }
  const cfg = net.iface.config!;
  say(
    `${formatIpv4(cfg.addr)}/${cfg.prefixLen} gateway ${formatIpv4(cfg.gateway)} (${net.dhcp ? 'dhcp' : 'static'})`,
  );
  let failures = 0;

  const ping = opts.get('ping');
  if (ping) {
    const [host, n = '3'] = ping.split(',');
    const dst = parseIpv4Addr(host);
    if (dst === null) return usage(say, `ping: '${host}' is not an address`);
    failures += await pinger(
      net.socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP),
      dst,
      Number(n),
      say,
      () => sched.now(),
    );
  }

  const send = opts.get('send');
  if (send) {
    const [host, port, ...text] = send.split(':');
    const dst = parseIpv4Addr(host);
    if (dst === null || !(Number(port) > 0))
      return usage(say, `send: bad target '${host}:${port}'`);
    const s = sock(net.socket(AF_INET, SOCK_DGRAM));
    s.setsockopt(SOL_SOCKET, SO_RCVTIMEO, 3000);
    await s.sendto(enc.encode(text.join(':')), 0, {
      family: AF_INET,
      addr: dst,
      port: Number(port),
    });
    const buf = new Uint8Array(2048);
    const from = { addr: 0, port: 0 };
    const r = await s.recvfrom(buf, 0, from);
    if (r >= 0)
      say(`reply from ${formatIpv4(from.addr)}:${from.port}: ${dec.decode(buf.subarray(0, r))}`);
    else {
      say(`send: no reply (${r})`);
      failures++;
    }
    s.close();
  }

  const port = Number(opts.get('echo') ?? 7);
  const s = sock(net.socket(AF_INET, SOCK_DGRAM));
  if (s.bind({ family: AF_INET, addr: 0, port }) < 0) return usage(say, `cannot bind port ${port}`);
  // virtio-net reclaims a sent frame's netbuf at the next transmit, so one may sit in the ring:
  // a leak shows as fewer free buffers at the end than at this point, not as fewer than capacity.
  const rxFree = net.rxPool.available;
  const txFree = net.txPool.available;
  say(`listening on ${formatIpv4(cfg.addr)}:${port}`);
  const deadline = sched.now() + Number(opts.get('wait') ?? 20_000) * 1e6;
  const buf = new Uint8Array(65536);
  const from = { addr: 0, port: 0 };
  let echoed = 0;
  while (sched.now() < deadline) {
    s.setsockopt(SOL_SOCKET, SO_RCVTIMEO, Math.max(1, Math.ceil((deadline - sched.now()) / 1e6)));
    const n = await s.recvfrom(buf, 0, from);
    if (n < 0) continue;
    const text = dec.decode(buf.subarray(0, n));
    if (text.trim() === 'quit') break;
    await s.sendto(buf.subarray(0, n), 0, { family: AF_INET, ...from });
    echoed++;
  }
  s.close();
  await sched.sleep(20e6); // let the last replies leave before counting buffers
  say(`echoed ${echoed} datagrams`);
  say(
    `netbufs: tx ${net.txPool.available} free (${txFree} at start, ${net.txPool.capacity} in all), rx ${net.rxPool.available} free (${rxFree} at start)`,
  );
  say(`stats ${JSON.stringify(net.iface.stats)}`);
  return failures === 0 ? 0 : 1;
}

async function pinger(
  sr: RkSocket | number,
  dst: number,
  count: number,
  say: (s: string) => void,
  now: () => number,
): Promise<number> {
  const s = sock(sr);
  s.setsockopt(SOL_SOCKET, SO_RCVTIMEO, 2000);
  let lost = 0;
  const buf = new Uint8Array(2048);
  for (let seq = 1; seq <= count; seq++) {
    const req = new Uint8Array(8 + 56);
    req[0] = 8;
    req[6] = seq >> 8;
    req[7] = seq & 255;
    for (let i = 8; i < req.length; i++) req[i] = i;
    const t0 = now();
    const r = await s.sendto(req, 0, { family: AF_INET, addr: dst, port: 0 });
    const n = r < 0 ? r : await s.recv(buf);
    if (n >= 8 && buf[0] === 0 && ((buf[6] << 8) | buf[7]) === seq)
      say(
        `ping: ${n} bytes from ${formatIpv4(dst)}: icmp_seq=${seq} time=${((now() - t0) / 1e6).toFixed(2)} ms`,
      );
    else {
      say(`ping: icmp_seq=${seq} lost (${n})`);
      lost++;
    }
  }
  say(`ping: ${count} transmitted, ${count - lost} received`);
  s.close();
  return lost;
}

function sock(s: RkSocket | number): RkSocket {
  if (typeof s === 'number') throw new Error(`socket() failed: ${s}`);
  return s;
}

function usage(say: (s: string) => void, why: string): number {
  say(why);
  say('usage: udp-echo [echo=<port>] [ping=<ip>[,<n>]] [send=<ip>:<port>:<text>] [wait=<ms>]');
  return 2;
}
