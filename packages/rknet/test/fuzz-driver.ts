// The IP input fuzzer: random frames and mutations of valid ones (Linux captures and frames built
// with the emitters: ARP, ICMP, UDP, fragments, DHCP) through every wire parser and through a
// configured interface with UDP and ICMP sockets bound. Used by the seeded CI test and by the long
// tools/bench job (ipfuzz). Throws on an escaped exception, a broken budget or a leaked netbuf.

import { RkNetbufPool } from '@runikraft/rknetdev';
import { createSimPlat } from '@runikraft/rksched/sim';
import { RkInterface } from '../src/iface/interface';
import type { RkNetEnv } from '../src/socket/api';
import { RkDgramSocket } from '../src/socket/dgram';
import { icmpTransport } from '../src/socket/icmp';
import { udpTransport } from '../src/socket/udp';
import { parseArp } from '../src/wire/arp';
import { emitDhcp, parseDhcp } from '../src/wire/dhcpv4';
import { parseDns } from '../src/wire/dns';
import { parseEthernet } from '../src/wire/ethernet';
import { parseIcmp } from '../src/wire/icmpv4';
import { parseIpv4 } from '../src/wire/ipv4';
import { parseUdp } from '../src/wire/udp';
import { arpRequest, icmpEcho, pingFrag1, pingFrag2, udpHello } from './fixtures/linux-frames';
import {
  arpFrame,
  bumpAlloc,
  frame,
  GUEST_IP,
  icmp,
  ipv4,
  PEER_IP,
  toGuest,
  udp,
  wireDevice,
} from './peer';

/** A small deterministic generator (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): Uint8Array[] {
  const data = new Uint8Array(64).map((_, i) => i);
  const dhcp = new Uint8Array(300);
  emitDhcp(
    {
      op: 2,
      xid: 1,
      secs: 0,
      broadcast: false,
      ciaddr: 0,
      yiaddr: GUEST_IP,
      siaddr: 0,
      giaddr: 0,
      chaddr: 0x020000000002,
      messageType: 2,
      serverId: PEER_IP,
      requestedIp: null,
      subnetMask: 0xffffff00,
      routers: [PEER_IP],
      dns: [PEER_IP],
      leaseTime: 60,
      renewalTime: null,
      rebindingTime: null,
      paramRequest: [],
      maxSize: null,
      clientId: null,
      hostname: 'x',
    },
    dhcp,
  );
  return [
    arpRequest,
    icmpEcho,
    udpHello,
    pingFrag1,
    pingFrag2,
    arpFrame(1, PEER_IP, GUEST_IP),
    frame(toGuest, ipv4({ proto: 1, payload: icmp({ type: 8, code: 0, rest: 7, data }) })),
    frame(
      toGuest,
      ipv4({
        proto: 1,
        payload: icmp({
          type: 3,
          code: 3,
          rest: 0,
          data: ipv4({
            proto: 17,
            src: GUEST_IP,
            dst: PEER_IP,
            payload: udp(7, 9, data, GUEST_IP, PEER_IP),
          }).subarray(0, 28),
        }),
      }),
    ),
    frame(toGuest, ipv4({ proto: 17, payload: udp(9, 7, data) })),
    frame(toGuest, ipv4({ proto: 17, payload: udp(67, 68, dhcp) })),
    frame(
      toGuest,
      ipv4({ proto: 17, ident: 9, moreFragments: true, payload: udp(9, 7, data).subarray(0, 32) }),
    ),
    frame(
      toGuest,
      ipv4({ proto: 17, ident: 9, fragOffset: 32, payload: udp(9, 7, data).subarray(32) }),
    ),
    frame(
      toGuest,
      ipv4({ proto: 17, options: Uint8Array.of(1, 1, 1, 0), payload: udp(9, 7, data) }),
    ),
  ];
}

function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const b = src.slice();
  const kind = rand();
  if (kind < 0.6) {
    const flips = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < flips; i++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    return b;
  }
  if (kind < 0.75) return b.subarray(0, Math.floor(rand() * b.length));
  if (kind < 0.9) {
    // Rewrite a length or offset field in the IP header and fix its checksum, so it gets past it.
    const o = 14 + [2, 6, 0][Math.floor(rand() * 3)];
    if (b.length > o + 1) {
      b[o] = Math.floor(rand() * 256);
      b[o + 1] = Math.floor(rand() * 256);
      if (b.length >= 34) {
        b[24] = 0;
        b[25] = 0;
        let s = 0;
        const hl = Math.min((b[14] & 0xf) * 4, b.length - 14);
        for (let i = 14; i + 1 < 14 + hl; i += 2) s += (b[i] << 8) | b[i + 1];
        while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
        b[24] = (~s >> 8) & 0xff;
        b[25] = ~s & 0xff;
      }
    }
    return b;
  }
  const r = new Uint8Array(Math.floor(rand() * 1600));
  for (let i = 0; i < r.length; i++) r[i] = Math.floor(rand() * 256);
  return r;
}

export interface IpFuzzResult {
  inputs: number;
  echoReplies: number;
  icmpErrors: number;
  dropped: number;
}

/** Runs `count` inputs with `seed`. Throws on an escaped exception, a broken budget or a leak. */
export function fuzzIpInput(seed: number, count: number): IpFuzzResult {
  const rand = prng(seed);
  const phys = createSimPlat({ memBytes: 4 << 20 }).memory.phys;
  const { dev, drv } = wireDevice(phys);
  const alloc = bumpAlloc(phys);
  const rxPool = new RkNetbufPool(phys, alloc(4096, 64 * 2048), 64, 2048, 64);
  const txPool = new RkNetbufPool(phys, alloc(4096, 64 * 2048), 64, 2048, 64);
  const iface = new RkInterface({
    dev,
    phys,
    rxPool,
    txPool,
    rxDesc: 32,
    reassembly: { maxBytes: 64 * 1024, maxDatagrams: 16, timeoutMs: 2000 },
  });
  if (iface.open() !== 0) throw new Error('ipfuzz: device did not open');
  // Input never parks: a wait queue that only counts wake-ups is enough.
  const wq = {
    length: 0,
    wait: async () => 0,
    waitUntil: async () => 0,
    waitEvent: async () => 0,
    wakeOne: () => null,
    wakeAll: () => 0,
  };
  let now = 0;
  const env: RkNetEnv = { waitQueue: () => wq, now: () => now, kick() {} };
  const u = udpTransport(env, iface);
  const i = icmpTransport(env, iface);
  iface.addHandler(u.handler);
  iface.addHandler(i.handler);
  const us = u.socket(0);
  const is = i.socket(0);
  if (!(us instanceof RkDgramSocket) || !(is instanceof RkDgramSocket))
    throw new Error('ipfuzz: no socket');
  us.bind({ family: 2, addr: 0, port: 7 });
  is.bind({ family: 2, addr: 0, port: 7 });
  iface.setConfig({ addr: GUEST_IP, prefixLen: 24, gateway: PEER_IP + 1, dns: [] }, now);
  drv.inject(arpFrame(2, PEER_IP, GUEST_IP, 0x020000000002, 0x020000000002));
  const seeds = corpus();
  for (let n = 0; n < count; n++) {
    const input =
      rand() < 0.1
        ? seeds[Math.floor(rand() * seeds.length)]
        : mutate(seeds[Math.floor(rand() * seeds.length)], rand);
    parsers(input);
    drv.inject(input);
    if (n % 8 === 0) {
      now += Math.floor(rand() * 200);
      iface.poll(now);
      drv.transmitted.length = 0;
      if (rand() < 0.5) while (us.takeDatagram());
      const use = iface.reassembler.usage;
      if (use.bytes > 64 * 1024 || use.datagrams > 16)
        throw new Error(`ipfuzz: reassembly over budget ${JSON.stringify(use)}`);
    }
  }
  now += 10_000;
  iface.poll(now);
  iface.poll(now + 10_000);
  const stats = { ...iface.stats };
  us.close();
  is.close();
  iface.close();
  drv.transmitted.length = 0;
  if (txPool.available !== txPool.capacity)
    throw new Error(
      `ipfuzz: seed ${seed}: ${txPool.capacity - txPool.available} TX netbufs leaked`,
    );
  if (rxPool.available !== rxPool.capacity - 32)
    throw new Error(
      `ipfuzz: seed ${seed}: RX pool at ${rxPool.available}, expected ${rxPool.capacity - 32}`,
    );
  if (iface.reassembler.usage.bytes !== 0)
    throw new Error(`ipfuzz: seed ${seed}: reassembly held bytes`);
  return {
    inputs: count,
    echoReplies: stats.echoReplies,
    icmpErrors: stats.icmpErrorsSent,
    dropped: stats.rxDropped,
  };
}

/** Every parser on every layer of `f`: must return a record or an RkWireError, never throw. */
function parsers(f: Uint8Array): void {
  const eth = parseEthernet(f);
  const p = 'payload' in eth ? eth.payload : f;
  parseArp(p);
  const ip = parseIpv4(p);
  const body = 'payload' in ip ? ip.payload : p;
  parseIcmp(body);
  const d = parseUdp(body, 1, 2);
  parseDhcp('payload' in d ? d.payload : body);
  parseDns('payload' in d ? d.payload : body);
}
