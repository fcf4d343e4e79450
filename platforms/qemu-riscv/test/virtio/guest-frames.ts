// Guest-side frames for the -netdev user tests (ARP, DHCP, ICMP echo, TCP SYN, UDP), built with
// the slirp wire helpers; sent alike to our backend and to QEMU's slirp, so a helper bug cannot hide.
import { slirpMac, writeIp4 } from '../../src/machine/backends/net/user/addr';
import { buildTcp, SYN } from '../../src/machine/backends/net/user/tcp-wire';
import {
  ETH_HLEN,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ip4Frame,
  setL4Checksum,
  sum16,
} from '../../src/machine/backends/net/user/wire';

export const GUEST_MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
export const GW = 0x0a000202;
export const DNS = 0x0a000203;
export const GUEST = 0x0a00020f;
const BCAST = new Uint8Array(6).fill(0xff);

function frame(
  dstMac: Uint8Array,
  src: number,
  dst: number,
  proto: number,
  l4: Uint8Array,
  df = false,
) {
  const f = ip4Frame({ src, dst, proto, dontFragment: df }, 0x4242, l4.length);
  f.set(dstMac, 0);
  f.set(GUEST_MAC, 6);
  f.set(l4, ETH_HLEN + 20);
  return f.subarray(0, ETH_HLEN + 20 + l4.length);
}

export function arpRequest(target: number, mac = GUEST_MAC, sender = GUEST): Uint8Array {
  const f = new Uint8Array(42);
  f.set(BCAST, 0);
  f.set(mac, 6);
  f.set([8, 6, 0, 1, 8, 0, 6, 4, 0, 1], 12);
  f.set(mac, 22);
  writeIp4(f, 28, sender);
  writeIp4(f, 38, target);
  return f;
}

export function udpFrame(
  src: number,
  sport: number,
  dst: number,
  dport: number,
  payload: Uint8Array,
  dstMac = slirpMac(GW),
) {
  const u = new Uint8Array(8 + payload.length);
  u.set([sport >> 8, sport & 255, dport >> 8, dport & 255, u.length >> 8, u.length & 255]);
  u.set(payload, 8);
  setL4Checksum(u, src, dst, IPPROTO_UDP);
  return frame(dstMac, src, dst, IPPROTO_UDP, u);
}

/** A DHCP message (type 0 = plain BOOTP without options) from `mac`, broadcast. */
export function dhcp(type: number, mac = GUEST_MAC, requested = 0, xid = 0x11223344): Uint8Array {
  const b = new Uint8Array(300);
  b.set([1, 1, 6, 0, xid >>> 24, (xid >>> 16) & 255, (xid >>> 8) & 255, xid & 255]);
  b.set(mac, 28);
  if (type) {
    b.set([99, 130, 83, 99, 53, 1, type], 236);
    let o = 243;
    if (requested) {
      b.set([50, 4], o);
      writeIp4(b, o + 2, requested);
      o += 6;
    }
    b.set([55, 4, 1, 3, 6, 15, 255], o);
  }
  const f = udpFrame(0, 68, 0xffffffff, 67, b, BCAST);
  f.set(mac, 6);
  return f;
}

export function ping(dst: number, seq: number, payload: Uint8Array, df = true): Uint8Array {
  const i = new Uint8Array(8 + payload.length);
  i.set([8, 0, 0, 0, 0x12, 0x34, seq >> 8, seq & 255]);
  i.set(payload, 8);
  const c = ~sum16(i, 0, i.length) & 0xffff;
  i[2] = c >> 8;
  i[3] = c & 255;
  return frame(slirpMac(GW), GUEST, dst, IPPROTO_ICMP, i, df);
}

export function tcpSyn(dst: number, sport: number, dport: number, seq: number): Uint8Array {
  const t = buildTcp(
    { sport, dport, seq, ack: 0, flags: SYN, window: 64240, mss: 1460 },
    GUEST,
    dst,
  );
  return frame(slirpMac(GW), GUEST, dst, IPPROTO_TCP, t);
}
