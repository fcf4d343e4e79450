// ICMP (RFC 792) on the slirp side: echo answered for the gateway and DNS addresses (as QEMU's
// slirp: TTL 255, DF copied), and destination-unreachable errors quoting the guest's packet.
import type { SlirpContext } from './context';
import { IPPROTO_ICMP, type Ip4Packet, sum16 } from './wire';

const ECHO_REPLY = 0;
const UNREACH = 3;
const ECHO_REQUEST = 8;

/** Handles an ICMP packet from the guest. @returns true if it was answered. */
export function icmpInput(ctx: SlirpContext, ip: Ip4Packet): boolean {
  const b = ip.payload;
  if (b.length < 8 || sum16(b, 0, b.length) !== 0xffff) return false;
  if (b[0] !== ECHO_REQUEST || (ip.dst !== ctx.cfg.host && ip.dst !== ctx.cfg.dns)) return false;
  const r = Uint8Array.from(b);
  r[0] = ECHO_REPLY;
  r[2] = r[3] = 0;
  const c = ~sum16(r, 0, r.length) & 0xffff;
  r[2] = c >> 8;
  r[3] = c & 255;
  ctx.output(
    { src: ip.dst, dst: ip.src, proto: IPPROTO_ICMP, ttl: 255, dontFragment: ip.dontFragment },
    r,
  );
  return true;
}

/** Sends destination unreachable (`code` 0 net, 1 host, 3 port) quoting `quote` (IP header + 8). */
export function icmpUnreachable(
  ctx: SlirpContext,
  to: number,
  quote: Uint8Array,
  code: number,
): void {
  const r = new Uint8Array(8 + quote.length);
  r[0] = UNREACH;
  r[1] = code;
  r.set(quote, 8);
  const c = ~sum16(r, 0, r.length) & 0xffff;
  r[2] = c >> 8;
  r[3] = c & 255;
  ctx.output({ src: ctx.cfg.host, dst: to, proto: IPPROTO_ICMP }, r);
}
