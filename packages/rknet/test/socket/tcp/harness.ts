// Two (or more) TCP engines wired through an in-memory IPv4 "link" with seeded loss, reordering,
// duplication and corruption, on a simulated millisecond clock.
import type { RkIpLayer } from '../../../src/ip';
import { RkTcp, type RkTcpStackOptions } from '../../../src/socket/tcp/stack';

/** mulberry32: a small seeded PRNG (tests only). */
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

export interface LinkFaults {
  loss?: number;
  dup?: number;
  corrupt?: number;
  /** Probability a packet gets extra delay (so it overtakes or is overtaken). */
  reorder?: number;
  delay?: number;
  /** Packets in flight before send() answers -ENOBUFS. */
  capacity?: number;
}

interface Pkt {
  at: number;
  seq: number;
  src: number;
  dst: number;
  bytes: Uint8Array;
}

export class SimNet {
  now = 0;
  readonly rand: () => number;
  private q: Pkt[] = [];
  private n = 0;
  readonly hosts = new Map<number, RkTcp>();
  /** Optional tap on every delivered segment. */
  tap: ((src: number, dst: number, bytes: Uint8Array) => void) | null = null;
  delivered = 0;
  dropped = 0;
  /** Drop everything while false (a cable pull). */
  up = true;
  /** A filter that may drop specific segments (return false to drop). */
  filter: ((src: number, dst: number, bytes: Uint8Array) => boolean) | null = null;

  constructor(
    seed: number,
    public faults: LinkFaults = {},
  ) {
    this.rand = prng(seed);
  }

  ipFor(addr: number, mtu = 1500): RkIpLayer {
    return {
      send: (proto, src, dst, len, fill) => {
        if (proto !== 6) return -22;
        if (this.q.length >= (this.faults.capacity ?? 1 << 20)) return -105;
        const b = new Uint8Array(len);
        fill(b, src || addr);
        this.transmit(src || addr, dst, b);
        return 0;
      },
      route: () => ({ src: addr, mtu }),
      isLocal: (a) => a === addr,
    };
  }

  addHost(addr: number, opts: Partial<RkTcpStackOptions> = {}, mtu = 1500): RkTcp {
    const r = prng(addr);
    const tcp = new RkTcp(this.ipFor(addr, mtu), {
      secret: [Math.floor(r() * 2 ** 32), Math.floor(r() * 2 ** 32)],
      ...opts,
    });
    this.hosts.set(addr, tcp);
    return tcp;
  }

  /** Called for every segment sent, before any fault applies. */
  onSend: ((src: number, dst: number, bytes: Uint8Array) => void) | null = null;

  private transmit(src: number, dst: number, bytes: Uint8Array): void {
    this.onSend?.(src, dst, bytes);
    const f = this.faults;
    if (!this.up || (this.filter && !this.filter(src, dst, bytes))) {
      this.dropped++;
      return;
    }
    if (f.loss && this.rand() < f.loss) {
      this.dropped++;
      return;
    }
    let b = bytes;
    if (f.corrupt && this.rand() < f.corrupt) {
      b = bytes.slice();
      const i = Math.floor(this.rand() * b.length);
      b[i]! ^= 1 << Math.floor(this.rand() * 8);
    }
    const base = this.now + (f.delay ?? 1);
    const extra = f.reorder && this.rand() < f.reorder ? 1 + this.rand() * 5 : 0;
    this.q.push({ at: base + extra, seq: this.n++, src, dst, bytes: b });
    if (f.dup && this.rand() < f.dup)
      this.q.push({ at: base + extra + 0.5, seq: this.n++, src, dst, bytes: b.slice() });
  }

  /** Delivers what is due at `now` and polls every host. @returns the next event time (ms). */
  pump(now: number): number {
    this.now = Math.max(this.now, now);
    this.q.sort((x, y) => x.at - y.at || x.seq - y.seq);
    while (this.q.length > 0 && this.q[0]!.at <= this.now) {
      const p = this.q.shift()!;
      this.delivered++;
      this.tap?.(p.src, p.dst, p.bytes);
      this.hosts.get(p.dst)?.input(this.now, p.src, p.dst, p.bytes);
    }
    for (const h of this.hosts.values()) h.poll(this.now, h.ip);
    let next = this.q.length > 0 ? this.q[0]!.at : Number.POSITIVE_INFINITY;
    for (const p of this.q) next = Math.min(next, p.at);
    for (const h of this.hosts.values()) next = Math.min(next, h.pollAt(this.now));
    return next;
  }

  /**
   * Runs the network (and `app` between events) until `done()` or `limitMs` of simulated time
   * passed. The clock jumps to the next packet or timer only once nothing is due now.
   * @returns done().
   */
  runUntil(done: () => boolean, limitMs = 600_000, app?: () => void): boolean {
    const end = this.now + limitMs;
    let spins = 0;
    for (;;) {
      app?.();
      if (done()) return true;
      const next = this.pump(this.now);
      app?.();
      if (done()) return true;
      if (this.now >= end) return false;
      if (next > this.now) {
        spins = 0;
        if (next === Number.POSITIVE_INFINITY) return done();
        this.now = Math.min(next, end);
      } else if (++spins > 1000) {
        spins = 0;
        this.now += 1; // something keeps asking for a poll now (e.g. -ENOBUFS): let time pass
      }
    }
  }
}

export const A = 0x0a000001;
export const B = 0x0a000002;

/** Deterministic bytes for transfer checks. */
export function pattern(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const v = Math.floor(r() * 2 ** 32);
    b[i] = v;
    b[i + 1] = v >>> 8;
    b[i + 2] = v >>> 16;
    b[i + 3] = v >>> 24;
  }
  return b;
}
