// IPv4 fragment reassembly (RFC 791 §3.2, RFC 815 hole accounting) with a memory budget and a
// timeout (RFC 1122 §3.3.2). Overlapping fragments drop the whole datagram (as Linux since 4.19,
// after FragmentSmack; RFC 5722 does the same for IPv6) so no overlap trick rewrites earlier bytes.
import type { Ipv4Addr } from '../ip';
import type { Ipv4Repr } from '../wire/ipv4';

export interface RkReassemblyLimits {
  /** Bytes of fragment data held across all datagrams; the oldest datagram goes to make room. */
  readonly maxBytes: number;
  /** Datagrams under reassembly at once. */
  readonly maxDatagrams: number;
  /** Time from the first fragment to giving up (ms); Linux's ipfrag_time is 30 s. */
  readonly timeoutMs: number;
}

export const RK_REASSEMBLY_DEFAULTS: RkReassemblyLimits = {
  maxBytes: 256 * 1024,
  maxDatagrams: 64,
  timeoutMs: 30_000,
};

const MAX_DATAGRAM = 65535;

interface Piece {
  readonly off: number;
  readonly data: Uint8Array;
}

interface Datagram {
  readonly key: string;
  readonly src: Ipv4Addr;
  readonly dst: Ipv4Addr;
  readonly proto: number;
  readonly expires: number;
  pieces: Piece[];
  bytes: number;
  /** Payload length, known once the last fragment (MF clear) arrived. */
  total: number;
  /** The first fragment's header and first 8 data bytes, for ICMP time exceeded (RFC 792). */
  firstQuote: Uint8Array | null;
}

/** A datagram whose reassembly timed out; `quote` is set when its first fragment had arrived. */
export interface RkReassemblyTimeout {
  readonly src: Ipv4Addr;
  readonly dst: Ipv4Addr;
  readonly quote: Uint8Array | null;
}

export class RkReassembler {
  private readonly datagrams = new Map<string, Datagram>();
  private held = 0;
  /** Counters: fragments dropped as overlapping, over the budget, or malformed. */
  readonly stats = { overlaps: 0, evicted: 0, timeouts: 0, reassembled: 0, invalid: 0 };

  constructor(readonly limits: RkReassemblyLimits = RK_REASSEMBLY_DEFAULTS) {}

  /**
   * Adds one fragment: `ip` was parsed from `datagram` (so `ip.payload` is a view into it). Copies
   * the fragment's data (the netbuf it arrived in goes back to the pool at once).
   * @returns the reassembled payload once complete (a fresh buffer the caller owns), else null.
   */
  add(ip: Ipv4Repr, datagram: Uint8Array, now: number): Uint8Array | null {
    const len = ip.payload.length;
    const end = ip.fragOffset + len;
    if (end > MAX_DATAGRAM - 20 || (ip.moreFragments && (len === 0 || len % 8 !== 0))) {
      this.stats.invalid++;
      return null;
    }
    const key = `${ip.src}/${ip.dst}/${ip.proto}/${ip.ident}`;
    let d = this.datagrams.get(key);
    if (!d) {
      if (this.datagrams.size >= this.limits.maxDatagrams) this.evictOldest();
      d = {
        key,
        src: ip.src,
        dst: ip.dst,
        proto: ip.proto,
        expires: now + this.limits.timeoutMs,
        pieces: [],
        bytes: 0,
        total: -1,
        firstQuote: null,
      };
      this.datagrams.set(key, d);
    }
    if (!ip.moreFragments) {
      if ((d.total >= 0 && d.total !== end) || d.pieces.some((p) => p.off + p.data.length > end))
        return this.discard(d, 'overlaps');
      d.total = end;
    } else if (d.total >= 0 && end > d.total) return this.discard(d, 'overlaps');
    for (const p of d.pieces) {
      const pEnd = p.off + p.data.length;
      if (p.off === ip.fragOffset && pEnd === end) return null; // an exact duplicate
      if (ip.fragOffset < pEnd && p.off < end) return this.discard(d, 'overlaps');
    }
    while (this.held + len > this.limits.maxBytes && this.datagrams.size > 1) {
      if (!this.evictOldest(d)) break;
    }
    if (this.held + len > this.limits.maxBytes) return this.discard(d, 'evicted');
    d.pieces.push({ off: ip.fragOffset, data: ip.payload.slice() });
    d.bytes += len;
    this.held += len;
    if (ip.fragOffset === 0) {
      const hl = ip.payload.byteOffset - datagram.byteOffset;
      d.firstQuote = datagram.slice(0, hl + Math.min(8, len));
    }
    if (d.total < 0 || d.bytes !== d.total) return null;
    // No overlaps and the byte count matches the extent: the pieces tile [0, total) exactly.
    const out = new Uint8Array(d.total);
    for (const p of d.pieces) out.set(p.data, p.off);
    this.forget(d);
    this.stats.reassembled++;
    return out;
  }

  /** Gives up datagrams past their deadline. @returns them, for ICMP time exceeded (code 1). */
  poll(now: number): RkReassemblyTimeout[] {
    const out: RkReassemblyTimeout[] = [];
    for (const d of this.datagrams.values()) {
      if (d.expires > now) continue;
      this.forget(d);
      this.stats.timeouts++;
      out.push({ src: d.src, dst: d.dst, quote: d.firstQuote });
    }
    return out;
  }

  pollAt(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const d of this.datagrams.values()) at = Math.min(at, d.expires);
    return at;
  }

  /** Bytes of fragment data held, and datagrams pending. */
  get usage(): { bytes: number; datagrams: number } {
    return { bytes: this.held, datagrams: this.datagrams.size };
  }

  private discard(d: Datagram, why: 'overlaps' | 'evicted'): null {
    this.stats[why]++;
    this.forget(d);
    return null;
  }

  private forget(d: Datagram): void {
    this.held -= d.bytes;
    this.datagrams.delete(d.key);
  }

  /** Evicts the datagram that started first (other than `keep`). @returns whether one went. */
  private evictOldest(keep?: Datagram): boolean {
    for (const d of this.datagrams.values()) {
      if (d === keep) continue;
      this.stats.evicted++;
      this.forget(d);
      return true;
    }
    return false;
  }
}
