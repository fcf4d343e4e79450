// ICMP error policy (RFC 1122 §3.2.2, RFC 1812 §4.3.2.8): when a host may send an error, what it
// quotes, and a token-bucket rate limit (Linux's icmp_ratelimit: 1000 messages/s, burst 50).
import type { Ipv4Addr } from '../ip';
import { isIcmpError } from '../wire/icmpv4';
import type { Ipv4Repr } from '../wire/ipv4';

/** Bytes an ICMP error may occupy (the quote is cut so the whole datagram fits 576, RFC 1812). */
const ICMP_ERROR_MAX = 576 - 20 - 8;

/** True for addresses that do not name one host: 0, limited broadcast, multicast, loopback, class E. */
export function isSpecialAddr(a: Ipv4Addr): boolean {
  const top = a >>> 24;
  return a === 0 || a === 0xffffffff || top >= 224 || top === 127;
}

/**
 * RFC 1122 §3.2.2: no ICMP error about an ICMP error, a datagram sent to a broadcast or multicast
 * address (`toBroadcast` covers link-layer and subnet broadcast), a non-initial fragment, or one
 * whose source does not name a single host. `looped`: the datagram came from local delivery.
 */
export function icmpErrorAllowed(
  ip: Ipv4Repr,
  payload: Uint8Array,
  toBroadcast: boolean,
  looped = false,
): boolean {
  // Looped-back datagrams (127/8) get errors as on Linux's lo; from the wire, 127/8 is bogus.
  const special = (a: number) => isSpecialAddr(a) && !(looped && a >>> 24 === 127);
  if (toBroadcast || special(ip.dst) || special(ip.src)) return false;
  if (ip.fragOffset !== 0) return false;
  if (ip.proto === 1 && payload.length > 0 && isIcmpError(payload[0])) return false;
  return true;
}

/** The quote of an offending datagram: its header then as much of its data as fits (≥ 8 bytes). */
export function icmpQuote(header: Uint8Array, payload: Uint8Array): Uint8Array {
  const n = Math.min(payload.length, Math.max(8, ICMP_ERROR_MAX - header.length));
  const q = new Uint8Array(header.length + n);
  q.set(header);
  q.set(payload.subarray(0, n), header.length);
  return q;
}

/** A token bucket over `now` (ms). */
export class RkRateLimit {
  private tokens: number;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly perSecond = 1000,
    private readonly burst = 50,
  ) {
    this.tokens = burst;
  }

  /** Takes a token if one is available. @returns whether the event may happen. */
  take(now: number): boolean {
    if (this.last !== Number.NEGATIVE_INFINITY)
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
