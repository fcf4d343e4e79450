// The ARP cache (RFC 826, RFC 1122 §2.3.2): resolved entries that expire, and pending entries that
// hold the datagrams waiting for an answer (bounded) and retry the request before giving up. Pure
// bookkeeping over `now`: the interface sends what `poll` asks for and transmits what resolves.
import type { Ipv4Addr } from '../ip';
import type { MacAddr } from '../wire/ethernet';

export interface RkArpCacheLimits {
  /** How long a learned mapping is used (ms). Linux: 30 s reachable plus stale time; default 60 s. */
  readonly reachableMs: number;
  /** Interval between requests for a pending entry (ms), and how many are sent before giving up. */
  readonly retryMs: number;
  readonly retries: number;
  /** Datagrams held per pending entry (RFC 1122 §2.3.2.2 asks for at least one); the oldest is dropped. */
  readonly queuePerEntry: number;
  /** Entries kept; the one expiring first is evicted to make room. */
  readonly maxEntries: number;
}

export const RK_ARP_DEFAULTS: RkArpCacheLimits = {
  reachableMs: 60_000,
  retryMs: 1000,
  retries: 3,
  queuePerEntry: 16,
  maxEntries: 256,
};

/** Why the cache let go of a held item. */
export type RkArpDropReason = 'overflow' | 'unresolved' | 'clear';

interface Resolved {
  mac: MacAddr;
  expires: number;
}
interface Pending<T> {
  queue: T[];
  sent: number;
  nextAt: number;
}

/** An ARP cache whose pending entries hold items of type `T` (frames awaiting a MAC). */
export class RkArpCache<T> {
  private readonly resolved = new Map<Ipv4Addr, Resolved>();
  private readonly pending = new Map<Ipv4Addr, Pending<T>>();

  constructor(
    /**
     * Called for every held item that is dropped: `overflow` (the entry's queue was full),
     * `unresolved` (no answer after the retries: the host is unreachable), `clear`. Frees it.
     */
    private readonly drop: (item: T, why: RkArpDropReason) => void,
    readonly limits: RkArpCacheLimits = RK_ARP_DEFAULTS,
  ) {}

  /** The MAC for `ip` if known and fresh. */
  lookup(ip: Ipv4Addr, now: number): MacAddr | undefined {
    const e = this.resolved.get(ip);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.resolved.delete(ip);
      return undefined;
    }
    return e.mac;
  }

  /**
   * Holds `item` until `ip` resolves. @returns true when a request should go out now (a new pending
   * entry); false when one is already outstanding.
   */
  hold(ip: Ipv4Addr, item: T, now: number): boolean {
    const p = this.pending.get(ip);
    if (p) {
      p.queue.push(item);
      if (p.queue.length > this.limits.queuePerEntry) this.drop(p.queue.shift()!, 'overflow');
      return false;
    }
    this.pending.set(ip, { queue: [item], sent: 1, nextAt: now + this.limits.retryMs });
    return true;
  }

  /**
   * Records `ip` is-at `mac` (from any ARP packet addressed to us, or a sender we already know:
   * RFC 826's merge rule). @returns the items that waited for it, to transmit now.
   */
  learn(ip: Ipv4Addr, mac: MacAddr, now: number): T[] {
    if (!this.resolved.has(ip) && this.resolved.size >= this.limits.maxEntries) this.evict();
    this.resolved.set(ip, { mac, expires: now + this.limits.reachableMs });
    const p = this.pending.get(ip);
    if (!p) return [];
    this.pending.delete(ip);
    return p.queue;
  }

  /** True when `ip` has an entry of either kind (the merge rule updates only those). */
  knows(ip: Ipv4Addr): boolean {
    return this.resolved.has(ip) || this.pending.has(ip);
  }

  /**
   * Retries and gives up pending entries that are due. @returns the addresses to ask for again and
   * those abandoned (their items were dropped: the caller may report host unreachable).
   */
  poll(now: number): { retry: Ipv4Addr[]; failed: Ipv4Addr[] } {
    const retry: Ipv4Addr[] = [];
    const failed: Ipv4Addr[] = [];
    for (const [ip, p] of this.pending) {
      if (p.nextAt > now) continue;
      if (p.sent >= this.limits.retries) {
        for (const it of p.queue) this.drop(it, 'unresolved');
        this.pending.delete(ip);
        failed.push(ip);
      } else {
        p.sent++;
        p.nextAt = now + this.limits.retryMs;
        retry.push(ip);
      }
    }
    return { retry, failed };
  }

  /** When `poll` next has work (Infinity when nothing is pending). */
  pollAt(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const p of this.pending.values()) at = Math.min(at, p.nextAt);
    return at;
  }

  /** Drops every held item and entry (interface going down). */
  clear(): void {
    for (const p of this.pending.values()) for (const it of p.queue) this.drop(it, 'clear');
    this.pending.clear();
    this.resolved.clear();
  }

  get size(): { resolved: number; pending: number } {
    return { resolved: this.resolved.size, pending: this.pending.size };
  }

  private evict(): void {
    let victim: Ipv4Addr | undefined;
    let soonest = Number.POSITIVE_INFINITY;
    for (const [ip, e] of this.resolved)
      if (e.expires < soonest) {
        soonest = e.expires;
        victim = ip;
      }
    if (victim !== undefined) this.resolved.delete(victim);
  }
}
