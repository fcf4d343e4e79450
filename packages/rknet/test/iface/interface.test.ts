import { RkNetbufPool } from '@runikraft/rknetdev';
import { createSimPlat } from '@runikraft/rksched/sim';
import { describe, expect, it } from 'vitest';
import { RkInterface } from '../../src/iface/interface';
import type { RkIpProtocolHandler } from '../../src/ip';
import { ARP_REPLY, ARP_REQUEST } from '../../src/wire/arp';
import { ETH_BROADCAST } from '../../src/wire/ethernet';
import { icmpEcho, pingFrag1, pingFrag2 } from '../fixtures/linux-frames';
import {
  arpFrame,
  bumpAlloc,
  decode,
  frame,
  GUEST_IP,
  GUEST_MAC,
  icmp,
  ipv4,
  PEER_IP,
  PEER_MAC,
  toGuest,
  udp,
  wireDevice,
} from '../peer';

function setup(opts: { configured?: boolean } = {}) {
  const phys = createSimPlat({ memBytes: 4 << 20 }).memory.phys;
  const { dev, drv } = wireDevice(phys);
  const alloc = bumpAlloc(phys);
  const rxPool = new RkNetbufPool(phys, alloc(4096, 64 * 2048), 64, 2048, 64);
  const txPool = new RkNetbufPool(phys, alloc(4096, 64 * 2048), 64, 2048, 64);
  const iface = new RkInterface({ dev, phys, rxPool, txPool, rxDesc: 32 });
  expect(iface.open()).toBe(0);
  let now = 0;
  if (opts.configured !== false)
    iface.setConfig({ addr: GUEST_IP, prefixLen: 24, gateway: 0x0a0900fe, dns: [] }, now);
  const poll = (t = now) => {
    now = t;
    iface.poll(now);
    return drv.transmitted.splice(0).map(decode);
  };
  const send = (f: Uint8Array) => expect(drv.inject(f)).toBe(true);
  /** Answers the guest's ARP request for the peer so held datagrams go out. */
  const resolvePeer = () => {
    send(arpFrame(ARP_REPLY, PEER_IP, GUEST_IP, GUEST_MAC, GUEST_MAC));
  };
  const balanced = () => {
    drv.transmitted.splice(0);
    iface.close();
    // The 32 buffers posted to the RX ring stay with the device; everything else came back.
    expect(rxPool.available).toBe(rxPool.capacity - 32);
    expect(txPool.available).toBe(txPool.capacity);
  };
  return { iface, drv, poll, send, resolvePeer, balanced, rxPool, txPool };
}

describe('RkInterface: ARP', () => {
  it('announces its address with a gratuitous ARP request when configured', () => {
    const t = setup();
    const [g] = t.poll();
    expect(g.eth.dst).toBe(ETH_BROADCAST);
    expect(g.arp).toEqual({
      op: ARP_REQUEST,
      sha: GUEST_MAC,
      spa: GUEST_IP,
      tha: 0,
      tpa: GUEST_IP,
    });
    t.balanced();
  });

  it("answers a request for its address in the same poll, and ignores others' requests", () => {
    const t = setup();
    t.poll();
    t.send(arpFrame(ARP_REQUEST, PEER_IP, GUEST_IP + 7));
    t.send(arpFrame(ARP_REQUEST, PEER_IP, GUEST_IP));
    const out = t.poll();
    expect(out).toHaveLength(1);
    expect(out[0].eth.dst).toBe(PEER_MAC);
    expect(out[0].arp).toEqual({
      op: ARP_REPLY,
      sha: GUEST_MAC,
      spa: GUEST_IP,
      tha: PEER_MAC,
      tpa: PEER_IP,
    });
    expect(t.iface.arp.lookup(PEER_IP, 0)).toBe(PEER_MAC);
    t.balanced();
  });

  it('holds datagrams while resolving, retries the request, then drops them as host unreachable', () => {
    const t = setup();
    t.poll();
    const errors: number[][] = [];
    t.iface.addHandler({
      proto: 17,
      input: () => true,
      icmpError: (_n, type, code, src, dst, q) => void errors.push([type, code, src, dst, q[8]]),
      poll() {},
      pollAt: () => Infinity,
    });
    for (let i = 0; i < 3; i++)
      expect(
        t.iface.send(17, 0, PEER_IP, 8 + 4, (b, src) =>
          b.set(udp(1, 2, Uint8Array.of(i, i, i, i), src, PEER_IP)),
        ),
      ).toBe(0);
    const first = t.poll(0);
    expect(first.map((f) => f.arp?.tpa)).toEqual([PEER_IP]);
    expect(t.iface.pollAt(0)).toBe(1000);
    expect(t.poll(1000).map((f) => f.arp?.op)).toEqual([ARP_REQUEST]);
    expect(t.poll(2000).map((f) => f.arp?.op)).toEqual([ARP_REQUEST]);
    expect(t.txPool.available).toBe(t.txPool.capacity - 3);
    expect(errors).toEqual([]);
    expect(t.poll(3000)).toEqual([]);
    expect(t.txPool.available).toBe(t.txPool.capacity);
    // Each held datagram is reported to its transport, quoted from the dropped frame.
    expect(errors).toEqual([0, 1, 2].map((i) => [3, 1, GUEST_IP, PEER_IP, i]));
    t.balanced();
  });

  it('sends off-subnet datagrams to the default gateway and refuses unroutable ones', () => {
    const t = setup();
    t.poll();
    expect(
      t.iface.send(17, 0, 0x08080808, 8, (b, s) =>
        b.set(udp(1, 2, new Uint8Array(0), s, 0x08080808)),
      ),
    ).toBe(0);
    expect(t.poll().map((f) => f.arp?.tpa)).toEqual([0x0a0900fe]);
    t.iface.routes.setDefault(0);
    expect(t.iface.send(17, 0, 0x08080808, 8, () => {})).toBe(-113);
    t.balanced();
  });
});

describe('RkInterface: IPv4 and ICMP', () => {
  it("answers Linux's ping (captured bytes) once the peer's MAC is known", () => {
    const t = setup();
    t.poll();
    t.send(icmpEcho);
    const ask = t.poll();
    expect(ask.map((f) => f.arp?.tpa)).toEqual([0x0a090001]);
    t.resolvePeer();
    const [reply] = t.poll();
    expect(reply.eth.dst).toBe(PEER_MAC);
    expect(reply.ip?.dst).toBe(0x0a090001);
    expect(reply.icmp?.type).toBe(0);
    const req = decode(icmpEcho);
    expect(reply.icmp?.rest).toBe(req.icmp?.rest);
    expect(reply.icmp?.data).toEqual(req.icmp?.data);
    expect(t.iface.stats.echoReplies).toBe(1);
    t.balanced();
  });

  it("reassembles Linux's 2008-byte fragmented ping (either order) and fragments the reply", () => {
    for (const order of [
      [pingFrag1, pingFrag2],
      [pingFrag2, pingFrag1],
    ]) {
      const t = setup();
      t.resolvePeer();
      t.poll();
      for (const f of order) t.send(f);
      const out = t.poll().filter((f) => f.ip);
      expect(out).toHaveLength(2);
      expect(out[0].ip!.moreFragments).toBe(true);
      expect(out[1].ip!.fragOffset).toBe(out[0].ip!.payload.length);
      const whole = new Uint8Array(2008);
      for (const f of out) whole.set(f.ip!.payload, f.ip!.fragOffset);
      const req = new Uint8Array(2008);
      for (const f of [pingFrag1, pingFrag2]) {
        const ip = decode(f).ip!;
        req.set(ip.payload, ip.fragOffset);
      }
      expect(whole[0]).toBe(0);
      expect(whole.subarray(4)).toEqual(req.subarray(4));
      expect(t.iface.reassembler.usage).toEqual({ bytes: 0, datagrams: 0 });
      t.balanced();
    }
  });

  it('answers a UDP datagram to a closed port with port unreachable quoting it', () => {
    const t = setup();
    t.resolvePeer();
    t.poll();
    const dgram = ipv4({ proto: 17, payload: udp(5000, 9, new TextEncoder().encode('anyone?')) });
    t.iface.addHandler({ proto: 17, input: () => false, poll() {}, pollAt: () => Infinity });
    t.send(frame(toGuest, dgram));
    const [e] = t.poll();
    expect(e.icmp).toMatchObject({ type: 3, code: 3 });
    expect(e.icmp!.data).toEqual(dgram);
    // Not for a broadcast destination, nor when the source is not a host.
    t.send(
      frame(
        toGuest,
        ipv4({
          proto: 17,
          dst: 0x0a0900ff,
          payload: udp(5000, 9, new Uint8Array(1), PEER_IP, 0x0a0900ff),
        }),
      ),
    );
    t.send(
      frame(
        toGuest,
        ipv4({ proto: 17, src: 0, payload: udp(5000, 9, new Uint8Array(1), 0, GUEST_IP) }),
      ),
    );
    expect(t.poll()).toEqual([]);
    t.balanced();
  });

  it('answers an unknown protocol with protocol unreachable, never an ICMP error with another', () => {
    const t = setup();
    t.resolvePeer();
    t.poll();
    t.send(frame(toGuest, ipv4({ proto: 99, payload: new Uint8Array(12) })));
    expect(t.poll().map((f) => [f.icmp?.type, f.icmp?.code])).toEqual([[3, 2]]);
    t.send(
      frame(
        toGuest,
        ipv4({ proto: 1, payload: icmp({ type: 3, code: 1, rest: 0, data: new Uint8Array(28) }) }),
      ),
    );
    expect(t.poll()).toEqual([]);
    t.balanced();
  });

  it('gives up an incomplete datagram after 30 s: time exceeded only when the first fragment came', () => {
    const t = setup();
    t.resolvePeer();
    t.poll(0);
    const data = new Uint8Array(40).fill(7);
    t.send(
      frame(
        toGuest,
        ipv4({ proto: 17, ident: 1, moreFragments: true, payload: data.subarray(0, 16) }),
      ),
    );
    t.send(
      frame(toGuest, ipv4({ proto: 17, ident: 2, fragOffset: 16, payload: data.subarray(16) })),
    );
    expect(t.poll(10)).toEqual([]);
    expect(t.iface.pollAt(10)).toBe(30_010);
    const out = t.poll(30_010);
    expect(out.map((f) => [f.icmp?.type, f.icmp?.code])).toEqual([[11, 1]]);
    expect(out[0].icmp!.data.length).toBe(20 + 8);
    t.balanced();
  });

  it('hands datagrams for a registered protocol to its handler and ICMP errors to icmpError', () => {
    const t = setup();
    t.resolvePeer();
    t.poll();
    const seen: unknown[] = [];
    const h: RkIpProtocolHandler = {
      proto: 6,
      input: (_n, src, dst, p) => {
        seen.push(['in', src, dst, p.length]);
        return true;
      },
      icmpError: (_n, type, code, src, dst, q) =>
        void seen.push(['err', type, code, src, dst, q.length]),
      poll() {},
      pollAt: () => Infinity,
    };
    t.iface.addHandler(h);
    t.send(frame(toGuest, ipv4({ proto: 6, payload: new Uint8Array(20) })));
    const quoted = ipv4({ proto: 6, src: GUEST_IP, dst: 0x0a090077, payload: new Uint8Array(8) });
    t.send(
      frame(
        toGuest,
        ipv4({ proto: 1, payload: icmp({ type: 3, code: 3, rest: 0, data: quoted }) }),
      ),
    );
    t.poll();
    expect(seen).toEqual([
      ['in', PEER_IP, GUEST_IP, 20],
      ['err', 3, 3, GUEST_IP, 0x0a090077, 8],
    ]);
    t.balanced();
  });

  it('drops malformed frames and frames for other hosts, counting them', () => {
    const t = setup();
    t.poll();
    const good = frame(
      toGuest,
      ipv4({ proto: 1, payload: icmp({ type: 8, code: 0, rest: 1, data: new Uint8Array(4) }) }),
    );
    const badSum = good.slice();
    badSum[24] ^= 1;
    t.send(badSum);
    t.send(frame({ ...toGuest, dst: 0x020000000099 }, good.subarray(14)));
    t.send(frame(toGuest, ipv4({ proto: 1, dst: 0x0a090063, payload: new Uint8Array(8) })));
    t.send(good.subarray(0, 10));
    expect(t.poll()).toEqual([]);
    expect(t.iface.stats.rxDropped).toBe(4);
    expect(t.iface.stats.lastError).toBe('ethernet: header: 10 bytes, need 14');
    t.balanced();
  });
});
