import { Errno } from '@runikraft/errno';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import type { RkSocket } from '../src/socket/api';
import {
  AF_INET,
  IPPROTO_ICMP,
  MSG_PEEK,
  RK_POLLIN,
  SO_RCVTIMEO,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
} from '../src/socket/consts';
import { tcpTransport } from '../src/socket/tcp/index';
import { RkNetStack } from '../src/stack';
import { ARP_REPLY } from '../src/wire/arp';
import {
  DHCPACK,
  DHCPDISCOVER,
  DHCPOFFER,
  DHCPREQUEST,
  type DhcpRepr,
  dhcpLen,
  emitDhcp,
  parseDhcp,
} from '../src/wire/dhcpv4';
import {
  arpFrame,
  bumpAlloc,
  decode,
  frame,
  GUEST_IP,
  GUEST_MAC,
  icmp,
  ipv4,
  ok,
  PEER_IP,
  toGuest,
  udp,
  wireDevice,
} from './peer';

function setup(config: 'static' | 'dhcp' = 'static') {
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 8 << 20 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  const phys = plat.memory.phys;
  const { dev, drv } = wireDevice(phys);
  let seed = 1;
  const stack = new RkNetStack({
    sched,
    dev,
    phys,
    memalign: bumpAlloc(phys),
    config: config === 'static' ? { addr: GUEST_IP, prefixLen: 24, gateway: 0, dns: [] } : null,
    random: () => (seed = (seed * 48271) % 0x7fffffff) / 0x7fffffff,
    rxBufs: 64,
    txBufs: 64,
    transports: [tcpTransport],
  });
  const take = () => drv.transmitted.splice(0).map(decode);
  const inject = (f: Uint8Array) => plat.at(sched.now() + 1000, () => drv.inject(f));
  return { plat, sched, stack, drv, take, inject };
}

const sock = (s: RkSocket | number): RkSocket => {
  if (typeof s === 'number') throw new Error(`socket: ${s}`);
  return s;
};

describe('RkNetStack', () => {
  it('creates sockets by family/type/protocol and refuses what it lacks', () => {
    const { stack } = setup();
    expect(stack.socket(10, SOCK_DGRAM)).toBe(-Errno.EAFNOSUPPORT);
    expect(stack.socket(AF_INET, SOCK_DGRAM, 6)).toBe(-Errno.EPROTONOSUPPORT);
    expect(sock(stack.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK)).nonBlocking).toBe(true);
    expect(sock(stack.socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)).protocol).toBe(IPPROTO_ICMP);
  });

  it('UDP: a blocked recvfrom wakes on the RX interrupt; sendto goes out after ARP resolves', async () => {
    const t = setup();
    expect(t.stack.start()).toBe(0);
    const status = await t.sched.runMain(async () => {
      const s = sock(t.stack.socket(AF_INET, SOCK_DGRAM));
      expect(s.bind({ family: 2, addr: 0, port: 7777 })).toBe(0);
      t.inject(
        frame(
          toGuest,
          ipv4({ proto: 17, payload: udp(4000, 7777, new TextEncoder().encode('ping?')) }),
        ),
      );
      const buf = new Uint8Array(64);
      const from = { addr: 0, port: 0 };
      expect(await s.recvfrom(buf, MSG_PEEK, from)).toBe(5);
      expect(s.pollEvents() & RK_POLLIN).toBe(RK_POLLIN);
      expect(await s.recvfrom(buf, 0, from)).toBe(5);
      expect(new TextDecoder().decode(buf.subarray(0, 5))).toBe('ping?');
      expect(from).toEqual({ addr: PEER_IP, port: 4000 });
      expect(await s.sendto(new TextEncoder().encode('pong!'), 0, { family: 2, ...from })).toBe(5);
      await t.sched.sleep(2e6);
      const ask = t.take().filter((f) => f.arp && f.arp.tpa === PEER_IP);
      expect(ask).toHaveLength(1);
      t.inject(arpFrame(ARP_REPLY, PEER_IP, GUEST_IP, GUEST_MAC, GUEST_MAC));
      await t.sched.sleep(2e6);
      const [out] = t.take();
      expect(out.udp).toMatchObject({ srcPort: 7777, dstPort: 4000 });
      expect(new TextDecoder().decode(out.udp!.payload)).toBe('pong!');
      expect(s.setsockopt(SOL_SOCKET, SO_RCVTIMEO, 10)).toBe(0);
      expect(await s.recv(buf)).toBe(-Errno.EAGAIN);
      expect(s.close()).toBe(0);
      return 0;
    });
    expect(status).toBe(0);
    t.stack.stop();
    expect(t.stack.txPool.available).toBe(t.stack.txPool.capacity);
  });

  it('UDP: a connected socket learns of ICMP port unreachable as ECONNREFUSED', async () => {
    const t = setup();
    t.stack.start();
    await t.sched.runMain(async () => {
      t.inject(arpFrame(ARP_REPLY, PEER_IP, GUEST_IP, GUEST_MAC, GUEST_MAC));
      await t.sched.sleep(1e6);
      const s = sock(t.stack.socket(AF_INET, SOCK_DGRAM));
      expect(await s.connect({ family: 2, addr: PEER_IP, port: 9 })).toBe(0);
      expect(await s.send(Uint8Array.of(1, 2, 3))).toBe(3);
      await t.sched.sleep(1e6);
      const sent = t.take().find((f) => f.udp)!;
      const quote = sent.eth.payload.subarray(0, 28);
      t.inject(
        frame(
          toGuest,
          ipv4({ proto: 1, payload: icmp({ type: 3, code: 3, rest: 0, data: quote }) }),
        ),
      );
      expect(await s.recv(new Uint8Array(8))).toBe(-Errno.ECONNREFUSED);
      return 0;
    });
    t.stack.stop();
  });

  it('ICMP echo socket: the stack sets the identifier and checksum; the reply comes back', async () => {
    const t = setup();
    t.stack.start();
    await t.sched.runMain(async () => {
      t.inject(arpFrame(ARP_REPLY, PEER_IP, GUEST_IP, GUEST_MAC, GUEST_MAC));
      await t.sched.sleep(1e6);
      const s = sock(t.stack.socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
      const req = icmp({
        type: 8,
        code: 0,
        rest: 0x0000_0001,
        data: new TextEncoder().encode('abcdefgh'),
      });
      expect(await s.sendto(req, 0, { family: 2, addr: PEER_IP, port: 0 })).toBe(req.length);
      await t.sched.sleep(1e6);
      const out = t.take().find((f) => f.icmp)!;
      const ident = out.icmp!.rest >>> 16;
      const me = { addr: 0, port: 0 };
      s.getsockname(me);
      expect(ident).toBe(me.port);
      t.inject(frame(toGuest, ipv4({ proto: 1, payload: icmp({ ...out.icmp!, type: 0 }) })));
      const buf = new Uint8Array(64);
      const n = await s.recv(buf);
      expect(n).toBe(16);
      expect(buf[0]).toBe(0);
      expect(new TextDecoder().decode(buf.subarray(8, 16))).toBe('abcdefgh');
      expect(
        await s.sendto(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0), 0, {
          family: 2,
          addr: PEER_IP,
          port: 0,
        }),
      ).toBe(-Errno.EINVAL);
      return 0;
    });
    t.stack.stop();
  });

  it('DHCP: discovers, requests the offer, binds, and configures address, mask, gateway and DNS', async () => {
    const t = setup('dhcp');
    t.stack.start();
    const server = 0x0a000202;
    const reply = (req: DhcpRepr, type: number) => {
      const m: DhcpRepr = {
        ...req,
        op: 2,
        yiaddr: 0x0a00020f,
        messageType: type,
        serverId: server,
        requestedIp: null,
        subnetMask: 0xffffff00,
        routers: [server],
        dns: [0x0a000203],
        leaseTime: 86400,
        paramRequest: [],
        maxSize: null,
        clientId: null,
      };
      const b = new Uint8Array(dhcpLen(m));
      emitDhcp(m, b);
      const u = udp(67, 68, b, server, 0xffffffff);
      return frame(
        { dst: 0xffff_ffff_ffff, src: 0x525500000202, ethertype: 0x0800 },
        ipv4({ proto: 17, src: server, dst: 0xffffffff, payload: u }),
      );
    };
    const st = await t.sched.runMain(async () => {
      await t.sched.sleep(1e6);
      const disc = t.take().find((f) => f.udp)!;
      expect([disc.ip!.src, disc.ip!.dst, disc.udp!.srcPort, disc.udp!.dstPort]).toEqual([
        0, 0xffffffff, 68, 67,
      ]);
      const d = ok(parseDhcp(disc.udp!.payload));
      expect(d.messageType).toBe(DHCPDISCOVER);
      t.inject(reply(d, DHCPOFFER));
      await t.sched.sleep(2e6);
      const r = ok(parseDhcp(t.take().find((f) => f.udp)!.udp!.payload));
      expect([r.messageType, r.requestedIp, r.serverId, r.xid]).toEqual([
        DHCPREQUEST,
        0x0a00020f,
        server,
        d.xid,
      ]);
      t.inject(reply(r, DHCPACK));
      expect(await t.stack.waitConfigured(1000)).toBe(0);
      return 0;
    });
    expect(st).toBe(0);
    expect(t.stack.iface.config).toEqual({
      addr: 0x0a00020f,
      prefixLen: 24,
      gateway: server,
      dns: [0x0a000203],
    });
    expect(t.stack.dhcp!.state).toBe('bound');
    t.stack.stop();
  });
});

describe('RkNetStack: local delivery', () => {
  it('UDP to its own address and to 127.0.0.1 never reaches the device; closed ports refuse', async () => {
    const t = setup();
    t.stack.start();
    await t.sched.runMain(async () => {
      await t.sched.sleep(1e6);
      t.take();
      const srv = sock(t.stack.socket(AF_INET, SOCK_DGRAM));
      expect(srv.bind({ family: 2, addr: 0, port: 5000 })).toBe(0);
      const cli = sock(t.stack.socket(AF_INET, SOCK_DGRAM));
      const buf = new Uint8Array(16);
      const from = { addr: 0, port: 0 };
      for (const addr of [GUEST_IP, 0x7f000001]) {
        expect(await cli.sendto(Uint8Array.of(1, 2, 3), 0, { family: 2, addr, port: 5000 })).toBe(
          3,
        );
        expect(await srv.recvfrom(buf, 0, from)).toBe(3);
        expect(from.addr).toBe(addr);
      }
      const lonely = sock(t.stack.socket(AF_INET, SOCK_DGRAM));
      expect(await lonely.connect({ family: 2, addr: 0x7f000001, port: 5001 })).toBe(0);
      expect(await lonely.send(Uint8Array.of(9))).toBe(1);
      expect(await lonely.recv(buf)).toBe(-Errno.ECONNREFUSED);
      const ping = sock(t.stack.socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
      const req = icmp({ type: 8, code: 0, rest: 5, data: Uint8Array.of(7, 7) });
      expect(await ping.sendto(req, 0, { family: 2, addr: 0x7f000001, port: 0 })).toBe(req.length);
      expect(await ping.recv(buf)).toBe(10);
      expect(buf[0]).toBe(0);
      expect(t.take()).toEqual([]);
      return 0;
    });
    t.stack.stop();
  });

  it('TCP to 127.0.0.1: connect, accept, 200 KB one way, a byte back, close', async () => {
    const t = setup();
    t.stack.start();
    const big = new Uint8Array(200_000).map((_, i) => i * 7);
    const st = await t.sched.runMain(async () => {
      const l = sock(t.stack.socket(AF_INET, SOCK_STREAM));
      expect(l.bind({ family: 2, addr: 0, port: 8080 })).toBe(0);
      expect(l.listen(4)).toBe(0);
      // One blocking call per thread at a time: the server is a thread of its own.
      const server = t.sched.spawn('server', async () => {
        const srv = sock(await l.accept());
        const got = new Uint8Array(big.length);
        let n = 0;
        while (n < big.length) {
          const r = await srv.recv(got.subarray(n));
          if (r <= 0) return 1;
          n += r;
        }
        if (!got.every((x, i) => x === big[i])) return 2;
        if ((await srv.send(Uint8Array.of(42))) !== 1) return 3;
        const r = await srv.recv(new Uint8Array(1));
        srv.close();
        return r === 0 ? 0 : 4;
      });
      const c = sock(t.stack.socket(AF_INET, SOCK_STREAM));
      expect(await c.connect({ family: 2, addr: 0x7f000001, port: 8080 })).toBe(0);
      let sent = 0;
      while (sent < big.length) {
        const r = await c.send(big.subarray(sent));
        if (r < 0) return r;
        sent += r;
      }
      const one = new Uint8Array(1);
      expect(await c.recv(one)).toBe(1);
      expect(one[0]).toBe(42);
      c.close();
      expect(await t.sched.join(server)).toBe(0);
      l.close();
      return 0;
    });
    expect(st).toBe(0);
    expect(t.take().filter((f) => f.ip)).toEqual([]);
    t.stack.stop();
  });
});
