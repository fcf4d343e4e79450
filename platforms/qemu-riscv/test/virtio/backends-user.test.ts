// `-netdev user` without root: option parsing and its errors, DHCP pool limits, DNS error answers,
// untrusted frames (seeded fuzz), and the host-side TCP driven segment by segment by a scripted guest.
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNetdev } from '../../src/machine/backends/net/args';
import { slirpMac } from '../../src/machine/backends/net/user/addr';
import { UserNetBackend, type UserNetOptions } from '../../src/machine/backends/net/user/backend';
import {
  ACK,
  buildTcp,
  FIN,
  PSH,
  parseTcp,
  RST,
  SYN,
  type TcpSegment,
} from '../../src/machine/backends/net/user/tcp-wire';
import {
  ETH_HLEN,
  IPPROTO_TCP,
  ip4Frame,
  parseIp4,
  parseUdp,
} from '../../src/machine/backends/net/user/wire';
import { DNS, dhcp, GUEST, GUEST_MAC, GW, udpFrame } from './guest-frames';

const user = (text: string) => {
  const s = parseNetdev(text);
  if (s.type !== 'user') throw new Error('not user');
  return s.config;
};

describe('-netdev user options', () => {
  it('defaults to QEMU 7.2 addresses and reads net/host/dns/dhcpstart/restrict/hostfwd', () => {
    expect(user('user,id=u')).toMatchObject({
      net: 0x0a000200,
      mask: 0xffffff00,
      host: 0x0a000202,
      dns: 0x0a000203,
      dhcpStart: 0x0a00020f,
      restrict: false,
      hostfwd: [],
    });
    const c = user(
      'user,id=u,net=192.168.7.0/255.255.255.0,host=192.168.7.1,dns=192.168.7.53,dhcpstart=192.168.7.100,restrict=on,hostname=box,hostfwd=tcp::8080-:80,hostfwd=udp:127.0.0.1:5353-192.168.7.9:53',
    );
    expect(c).toMatchObject({
      net: 0xc0a80700,
      host: 0xc0a80701,
      dns: 0xc0a80735,
      dhcpStart: 0xc0a80764,
      restrict: true,
      hostname: 'box',
    });
    expect(c.hostfwd).toEqual([
      {
        proto: 'tcp',
        hostAddr: '0.0.0.0',
        hostPort: 8080,
        guestAddr: 0xc0a80764,
        guestPort: 80,
        text: 'tcp::8080-:80',
      },
      {
        proto: 'udp',
        hostAddr: '127.0.0.1',
        hostPort: 5353,
        guestAddr: 0xc0a80709,
        guestPort: 53,
        text: 'udp:127.0.0.1:5353-192.168.7.9:53',
      },
    ]);
    expect(user('user,id=u,net=10.1.0.0/16').dhcpStart).toBe(0x0a01000f);
  });

  it.each([
    ['user,id=u,net=10.0.2.0/33', /net=10.0.2.0\/33: '33' is not a prefix length/],
    [
      'user,id=u,net=10.0.2.0/255.0.255.0',
      /'255.0.255.0' is not a prefix length \(0..32\) or netmask/,
    ],
    ['user,id=u,net=banana', /net=banana: 'banana' is not an IPv4 address/],
    ['user,id=u,host=10.0.3.2', /host=10.0.3.2 is not in the network 10.0.2.0\/255.255.255.0/],
    ['user,id=u,dns=10.0.2.2', /dns=10.0.2.2 is the same as host=/],
    ['user,id=u,dhcpstart=10.0.2.255', /dhcpstart=10.0.2.255 is the network or broadcast address/],
    ['user,id=u,restrict=maybe', /'restrict=maybe' is not on\/off/],
    [
      'user,id=u,hostfwd=tcp:8080:80',
      /hostfwd=tcp:8080:80: expected \[tcp\|udp\]:\[hostaddr\]:hostport-\[guestaddr\]:guestport/,
    ],
    ['user,id=u,hostfwd=sctp::1-:2', /hostfwd=sctp::1-:2: protocol 'sctp' is not tcp or udp/],
    ['user,id=u,hostfwd=tcp::http-:80', /host port 'http' is not a number in 0..65535/],
    ['user,id=u,hostfwd=tcp::80-:0', /guest port '0' is not a number in 1..65535/],
    ['user,id=u,hostfwd=tcp:localhost:80-:80', /host address 'localhost' is not an IPv4 address/],
    ['user,id=u,hostfwd=tcp::80-guest:80', /guest address 'guest' is not an IPv4 address/],
    ['user,id=u,tftp=/srv', /tftp= is not supported by this machine/],
    ['user,id=u,ipv6-net=fec0::/64', /ipv6-net= is not supported \(IPv4 only/],
    ['user,id=u,ipv4=off', /ipv4=off leaves no network/],
    ['user,id=u,restrict=on,restrict=off', /'restrict' given twice/],
    ['user,id=u,hostfwd=tcp::1-:2,bogus=1', /unknown parameter 'bogus'/],
    ['user,hostfwd=tcp::1-:2', /'id=' is required/],
  ])('%s is refused: %s', (text, msg) => {
    expect(() => parseNetdev(text)).toThrow(msg);
  });

  it('a hostfwd port already taken fails the backend with the rule in the message', async () => {
    const s = createServer().listen(0, '127.0.0.1');
    await once(s, 'listening');
    const port = (s.address() as { port: number }).port;
    await expect(
      UserNetBackend.open('u', user(`user,id=u,hostfwd=tcp:127.0.0.1:${port}-:80`)),
    ).rejects.toThrow(
      `-netdev user,id=u: hostfwd=tcp:127.0.0.1:${port}-:80: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`,
    );
    s.close();
  });
});

const open: UserNetBackend[] = [];
async function backend(text: string, opts: UserNetOptions = { dnsUpstream: null }) {
  const b = await UserNetBackend.open('u', user(text), opts);
  open.push(b);
  const got: Uint8Array[] = [];
  b.attach({ receive: (f) => got.push(Uint8Array.from(f)) > 0 });
  return { b, got };
}
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
});

describe('-netdev user services', () => {
  it('hands out 16 addresses, one per MAC, then stays silent', async () => {
    const { b, got } = await backend('user,id=u');
    const yiaddr = () => got.map((f) => Buffer.from(f.subarray(58, 62)).toString('hex'));
    for (let i = 0; i < 17; i++) b.send(dhcp(1, Uint8Array.of(0x52, 0x54, 0, 0, 1, i), 0, i));
    expect(got).toHaveLength(16);
    expect(yiaddr()[0]).toBe('0a00020f');
    expect(yiaddr()[15]).toBe('0a00021e');
    got.length = 0;
    b.send(dhcp(1, Uint8Array.of(0x52, 0x54, 0, 0, 1, 3), 0, 99));
    expect(yiaddr()).toEqual(['0a000212']); // the same MAC keeps its address
  });

  it('with no resolver, a DNS query gets SERVFAIL from 10.0.2.3:53 echoing id and question', async () => {
    const { b, got } = await backend('user,id=u');
    const q = Buffer.from('beef0100000100000000000002726b047465737400000f0001', 'hex');
    b.send(udpFrame(GUEST, 3333, DNS, 53, q));
    expect(got).toHaveLength(1);
    const ip = parseIp4(got[0], ETH_HLEN)!;
    const u = parseUdp(ip)!;
    expect([ip.src, u.sport, ip.dst, u.dport]).toEqual([DNS, 53, GUEST, 3333]);
    expect(Buffer.from(u.payload).toString('hex')).toBe(
      'beef8182000100000000000002726b047465737400000f0001',
    );
    got.length = 0;
    b.send(udpFrame(GUEST, 3333, DNS, 53, Buffer.from('beef01000001000000000000ff', 'hex')));
    expect(Buffer.from(parseUdp(parseIp4(got[0], ETH_HLEN)!)!.payload).toString('hex')).toBe(
      'beef81810000000000000000', // malformed question: FORMERR, question dropped
    );
    got.length = 0;
    b.send(udpFrame(GUEST, 3333, DNS, 53, Buffer.from('beef81800000000000000000', 'hex')));
    expect(got).toHaveLength(0); // a response is never answered
  });

  it('random and mutated frames never throw and never get an answer they should not', async () => {
    const { b, got } = await backend('user,id=u', {
      dnsUpstream: null,
      allowOutbound: () => false,
    });
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const bases = [
      dhcp(1),
      dhcp(3, undefined, 0x0a00020f),
      udpFrame(GUEST, 1, DNS, 53, new Uint8Array(20)),
    ];
    for (let i = 0; i < 20_000; i++) {
      let f: Uint8Array;
      if (i % 2) f = Uint8Array.from({ length: Math.floor(rnd() * 200) }, () => rnd() * 256);
      else {
        f = Uint8Array.from(bases[i % 3]);
        for (let k = 0; k < 3; k++) f[Math.floor(rnd() * f.length)] = rnd() * 256;
      }
      expect(() => b.send(f)).not.toThrow();
    }
    expect(b.counters.malformed).toBeGreaterThan(1000);
    expect(b.counters.errors).toBe(0);
    expect(got.every((f) => f.length >= 60)).toBe(true);
  });
});

/** A scripted guest TCP endpoint talking to the backend frame by frame. */
class ScriptedGuest {
  readonly got: TcpSegment[] = [];
  constructor(
    private readonly b: UserNetBackend,
    frames: Uint8Array[],
  ) {
    b.attach({
      receive: (f) => {
        const ip = parseIp4(f, ETH_HLEN);
        const t = ip && ip.proto === IPPROTO_TCP ? parseTcp(ip) : null;
        if (t) this.got.push({ ...t, payload: Uint8Array.from(t.payload) });
        else frames.push(f);
        return true;
      },
    });
    b.send(dhcp(3, GUEST_MAC, GUEST)); // the backend learns the guest's MAC
  }
  send(
    dport: number,
    t: {
      seq: number;
      ack: number;
      flags: number;
      window?: number;
      payload?: Uint8Array;
      mss?: number;
    },
    sport = 40000,
  ) {
    const l4 = buildTcp({ sport, dport, window: 65535, ...t }, GUEST, GW);
    const f = ip4Frame({ src: GUEST, dst: GW, proto: IPPROTO_TCP }, 1, l4.length);
    f.set(slirpMac(GW), 0);
    f.set(GUEST_MAC, 6);
    f.set(l4, ETH_HLEN + 20);
    this.b.send(f);
  }
  async next(pred: (s: TcpSegment) => boolean = () => true, ms = 3000): Promise<TcpSegment> {
    const t0 = Date.now();
    for (;;) {
      const i = this.got.findIndex(pred);
      if (i >= 0) return this.got.splice(i, 1)[0];
      if (Date.now() - t0 > ms)
        throw new Error(
          `no matching segment; have ${JSON.stringify(this.got.map((s) => s.flags))}`,
        );
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

describe('-netdev user TCP (scripted guest, host server on loopback)', () => {
  it('handshake after the host connect, data both ways within the guest window, FIN both ways', async () => {
    const srv = createServer({ allowHalfOpen: true });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as { port: number }).port;
    const { b } = await backend('user,id=u', {
      dnsUpstream: null,
      allowOutbound: (h) => h === '127.0.0.1',
    });
    const g = new ScriptedGuest(b, []);
    const accepted = once(srv, 'connection');
    g.send(port, { seq: 1000, ack: 0, flags: SYN, mss: 1000, window: 3000 });
    const [host] = (await accepted) as [Socket];
    const synAck = await g.next();
    expect(synAck.flags).toBe(SYN | ACK);
    expect(synAck.ack).toBe(1001);
    expect(synAck.mss).toBe(1460);
    const iss = synAck.seq;
    g.send(port, { seq: 1001, ack: iss + 1, flags: ACK, window: 3000 });
    // guest → host
    const hostGot = once(host, 'data');
    g.send(port, {
      seq: 1001,
      ack: iss + 1,
      flags: ACK | PSH,
      window: 3000,
      payload: new TextEncoder().encode('hello'),
    });
    expect(String((await hostGot)[0])).toBe('hello');
    expect((await g.next((s) => s.ack === 1006)).flags).toBe(ACK);
    // host → guest: 5000 bytes, but the guest's window is 3000 and its MSS 1000
    host.write(Buffer.alloc(5000, 7));
    const segs = [await g.next(), await g.next(), await g.next()];
    expect(segs.map((s) => [s.seq - iss - 1, s.payload.length])).toEqual([
      [0, 1000],
      [1000, 1000],
      [2000, 1000],
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(g.got.filter((s) => s.payload.length > 0)).toHaveLength(0); // window full: nothing more
    g.send(port, { seq: 1006, ack: iss + 1 + 3000, flags: ACK, window: 3000 });
    const rest = [await g.next(), await g.next()];
    expect(rest.map((s) => s.payload.length)).toEqual([1000, 1000]);
    g.send(port, { seq: 1006, ack: iss + 1 + 5000, flags: ACK, window: 3000 });
    // host closes: FIN to the guest; guest acks and closes too
    host.end();
    const fin = await g.next((s) => (s.flags & FIN) !== 0);
    expect(fin.seq).toBe(iss + 1 + 5000);
    const hostEnd = once(host, 'end');
    g.send(port, { seq: 1006, ack: iss + 5002, flags: ACK | FIN, window: 3000 });
    await hostEnd;
    expect((await g.next((s) => s.ack === 1007)).flags).toBe(ACK);
    await new Promise((r) => setTimeout(r, 20));
    expect(b.tcp.list()).toHaveLength(0);
    srv.close();
  });

  it('guest data handed over in one NIC batch waits (corked) until the batch ends, then reaches the host whole and in order', async () => {
    const srv = createServer({ allowHalfOpen: true });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as { port: number }).port;
    const { b } = await backend('user,id=u', {
      dnsUpstream: null,
      allowOutbound: (h) => h === '127.0.0.1',
    });
    const g = new ScriptedGuest(b, []);
    const accepted = once(srv, 'connection');
    g.send(port, { seq: 1000, ack: 0, flags: SYN, mss: 1000, window: 3000 });
    const [host] = (await accepted) as [Socket];
    const iss = (await g.next()).seq;
    g.send(port, { seq: 1001, ack: iss + 1, flags: ACK, window: 3000 });
    const got: Buffer[] = [];
    host.on('data', (d: Buffer) => got.push(d));
    const words = ['one ', 'two ', 'three'];
    b.beginSends();
    let seq = 1001;
    for (const w of words) {
      const payload = new TextEncoder().encode(w);
      g.send(port, { seq, ack: iss + 1, flags: ACK | PSH, window: 3000, payload });
      seq += payload.length;
    }
    const flow = b.tcp.list()[0];
    expect(flow.sock?.writableCorked).toBe(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toHaveLength(0); // held for the batch
    b.endSends();
    expect(flow.sock?.writableCorked).toBe(0);
    for (let i = 0; i < 100 && Buffer.concat(got).length < 12; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(String(Buffer.concat(got))).toBe('one two three');
    // outside a batch a segment is written at once
    g.send(port, { seq, ack: iss + 1, flags: ACK | PSH, window: 3000, payload: Uint8Array.of(33) });
    expect(flow.sock?.writableCorked).toBe(0);
    host.destroy();
    srv.close();
  });

  it('retransmits unacknowledged data after the RTO; a guest RST resets the host socket', async () => {
    const srv = createServer({ allowHalfOpen: true });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const port = (srv.address() as { port: number }).port;
    const { b } = await backend('user,id=u', {
      dnsUpstream: null,
      allowOutbound: (h) => h === '127.0.0.1',
    });
    const g = new ScriptedGuest(b, []);
    const accepted = once(srv, 'connection');
    g.send(port, { seq: 5, ack: 0, flags: SYN });
    const [host] = (await accepted) as [Socket];
    const iss = (await g.next()).seq;
    g.send(port, { seq: 6, ack: iss + 1, flags: ACK });
    host.write('abc');
    const first = await g.next((s) => s.payload.length === 3);
    const again = await g.next((s) => s.payload.length === 3, 3000); // no ACK: sent again after the RTO
    expect(again.seq).toBe(first.seq);
    g.send(port, { seq: 6, ack: iss + 4, flags: ACK });
    const reset = once(host, 'error');
    g.send(port, { seq: 6, ack: iss + 4, flags: RST });
    expect(((await reset)[0] as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(b.tcp.list()).toHaveLength(0);
    srv.close();
  });

  it('a SYN or a datagram to port 0 is refused without touching a host socket', async () => {
    const { b } = await backend('user,id=u', { dnsUpstream: null, allowOutbound: () => true });
    const g = new ScriptedGuest(b, []);
    g.send(0, { seq: 1, ack: 0, flags: SYN });
    expect(await g.next()).toMatchObject({ flags: RST | ACK, ack: 2 });
    b.send(udpFrame(GUEST, 1234, GW, 0, new Uint8Array(4)));
    expect(b.udp.stats.dropped).toBe(1);
    expect(b.counters.errors).toBe(0);
    expect(b.lastGuestError).toBeNull();
  });

  it('segments of no connection get RST (TTL 255, window 0); a refused connect RST|ACK', async () => {
    const { b } = await backend('user,id=u', { dnsUpstream: null, allowOutbound: () => false });
    const g = new ScriptedGuest(b, []);
    g.send(80, { seq: 1, ack: 99, flags: ACK });
    expect(await g.next()).toMatchObject({ flags: RST, seq: 99, window: 0 });
    g.send(80, { seq: 1, ack: 0, flags: SYN });
    expect(await g.next()).toMatchObject({ flags: RST | ACK, seq: 0, ack: 2 });
    expect(b.tcp.stats.refused).toBe(1);
  });
});
