// A scripted peer on the other end of a loopback netdev in wire mode: builds frames with the wire
// emitters and reads what the stack transmitted. Linux frames (fixtures) cover independence.
import { RkNetdevRegistryImpl } from '@runikraft/rknetdev';
import { LoopbackNetdev } from '@runikraft/rknetdev/loopback';
import type { RkPhysMem } from '@runikraft/rkplat';
import { emitArp, parseArp } from '../src/wire/arp';
import { isWireError } from '../src/wire/error';
import { type EthernetRepr, emitEthernetHeader, parseEthernet } from '../src/wire/ethernet';
import { emitIcmp, type IcmpRepr, parseIcmp } from '../src/wire/icmpv4';
import { emitIpv4, type Ipv4Repr, parseIpv4 } from '../src/wire/ipv4';
import { emitUdp, parseUdp } from '../src/wire/udp';

export const GUEST_MAC = 0x020000000002;
export const PEER_MAC = 0x020000000001;
export const GUEST_IP = 0x0a090002;
export const PEER_IP = 0x0a090001;

export function ok<T>(x: T): Exclude<T, { protocol: string; field: string }> {
  if (isWireError(x)) throw new Error(x.message);
  return x as never;
}

/** A loopback device in wire mode registered as lo0; `phys` is the guest RAM it DMA's into. */
export function wireDevice(phys: RkPhysMem, mac = GUEST_MAC, mtu = 1500) {
  const m = new Uint8Array(6);
  for (let i = 0; i < 6; i++) m[i] = Math.floor(mac / 2 ** (8 * (5 - i))) & 255;
  const drv = new LoopbackNetdev(phys, { mode: 'wire', mac: m, mtu, ringSize: 128 });
  const { dev, handle } = new RkNetdevRegistryImpl().register('lo0', phys, drv);
  drv.attach(handle);
  return { dev, drv };
}

/** A bump allocator over the upper part of `phys` (tests never free). */
export function bumpAlloc(phys: RkPhysMem, from = phys.size / 2) {
  let next = phys.base + from;
  return (align: number, bytes: number) => {
    next = Math.ceil(next / align) * align;
    if (next + bytes > phys.base + phys.size) return 0;
    const pa = next;
    next += bytes;
    return pa;
  };
}

export function frame(eth: Omit<EthernetRepr, 'payload'>, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(Math.max(60, 14 + payload.length));
  emitEthernetHeader(eth, f);
  f.set(payload, 14);
  return f;
}

export function ipv4(p: Partial<Ipv4Repr> & { proto: number; payload: Uint8Array }): Uint8Array {
  const r: Ipv4Repr = {
    tos: 0,
    ident: 0x1234,
    dontFragment: false,
    moreFragments: false,
    fragOffset: 0,
    ttl: 64,
    src: PEER_IP,
    dst: GUEST_IP,
    options: new Uint8Array(0),
    ...p,
  };
  const b = new Uint8Array(20 + r.options.length + r.payload.length);
  emitIpv4(r, b);
  return b;
}

export const toGuest = { dst: GUEST_MAC, src: PEER_MAC, ethertype: 0x0800 };

export function icmp(r: IcmpRepr): Uint8Array {
  const b = new Uint8Array(8 + r.data.length);
  emitIcmp(r, b);
  return b;
}

export function udp(sport: number, dport: number, data: Uint8Array, src = PEER_IP, dst = GUEST_IP) {
  const b = new Uint8Array(8 + data.length);
  emitUdp({ srcPort: sport, dstPort: dport, payload: data }, b, src, dst);
  return b;
}

export function arpFrame(op: number, spa: number, tpa: number, tha = 0, dst = 0xffff_ffff_ffff) {
  const a = new Uint8Array(28);
  emitArp({ op, sha: PEER_MAC, spa, tha, tpa }, a);
  return frame({ dst, src: PEER_MAC, ethertype: 0x0806 }, a);
}

/** Decodes a transmitted frame down to whatever layer parses. */
export function decode(f: Uint8Array) {
  const eth = ok(parseEthernet(f));
  if (eth.ethertype === 0x0806) return { eth, arp: ok(parseArp(eth.payload)) } as const;
  const ip = ok(parseIpv4(eth.payload));
  if (ip.proto === 1 && ip.fragOffset === 0 && !ip.moreFragments)
    return { eth, ip, icmp: ok(parseIcmp(ip.payload)) } as const;
  if (ip.proto === 17 && ip.fragOffset === 0 && !ip.moreFragments)
    return { eth, ip, udp: ok(parseUdp(ip.payload, ip.src, ip.dst)) } as const;
  return { eth, ip } as const;
}
