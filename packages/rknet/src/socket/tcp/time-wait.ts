// TIME-WAIT without a TCB (RFC 9293 §3.10.7.4): a small record per 4-tuple in a bounded table, so a
// busy server that closes first keeps accepting. A SYN may reuse a tuple in TIME-WAIT when it is
// provably new (RFC 6191: a larger timestamp, or without timestamps a larger sequence number).
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from '../../wire/tcp';
import { seqGt } from './seq';

/** What TIME-WAIT remembers of a connection. */
export interface RkTcpTimeWait {
  localAddr: number;
  localPort: number;
  remoteAddr: number;
  remotePort: number;
  sndNxt: number;
  rcvNxt: number;
  tsEnabled: boolean;
  tsRecent: number;
  tsOffset: number;
  expiresAt: number;
}

/** What to do with a segment that hit a TIME-WAIT record. */
export type RkTcpTimeWaitVerdict = 'drop' | 'ack' | 'reuse';

/** Decides the fate of `seg` arriving for `tw` (and restarts the 2 MSL wait on a FIN). */
export function timeWaitInput(tw: RkTcpTimeWait, seg: TcpRepr): RkTcpTimeWaitVerdict {
  const f = seg.flags;
  if (f & TCP_RST) return 'drop'; // RFC 1337: TIME-WAIT assassination hazards
  if (f & TCP_SYN && !(f & TCP_ACK)) {
    const newer =
      tw.tsEnabled && seg.timestamp
        ? seqGt(seg.timestamp.tsval, tw.tsRecent)
        : seqGt(seg.seq, tw.rcvNxt);
    return newer ? 'reuse' : 'ack';
  }
  if (f & TCP_FIN || seg.payload.length > 0) return 'ack';
  return 'drop';
}

/** TIME-WAIT records keyed by 4-tuple, oldest first; bounded (the oldest goes when full). */
export class RkTcpTimeWaitTable {
  private readonly byKey = new Map<string, RkTcpTimeWait>();
  /** Records dropped early because the table was full (statistics). */
  evicted = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.byKey.size;
  }

  static key(la: number, lp: number, ra: number, rp: number): string {
    return `${la}:${lp}:${ra}:${rp}`;
  }

  get(la: number, lp: number, ra: number, rp: number): RkTcpTimeWait | undefined {
    return this.byKey.get(RkTcpTimeWaitTable.key(la, lp, ra, rp));
  }

  /** Adds (or restarts) a record; evicts the oldest when full. */
  put(tw: RkTcpTimeWait): void {
    const k = RkTcpTimeWaitTable.key(tw.localAddr, tw.localPort, tw.remoteAddr, tw.remotePort);
    this.byKey.delete(k);
    if (this.byKey.size >= this.max) {
      const oldest = this.byKey.keys().next();
      if (!oldest.done) {
        this.byKey.delete(oldest.value);
        this.evicted++;
      }
    }
    this.byKey.set(k, tw);
  }

  delete(tw: RkTcpTimeWait): void {
    this.byKey.delete(
      RkTcpTimeWaitTable.key(tw.localAddr, tw.localPort, tw.remoteAddr, tw.remotePort),
    );
  }

  /** Drops expired records (insertion order is expiry order: every record waits the same 2 MSL). */
  expire(now: number): void {
    for (const [k, tw] of this.byKey) {
      if (tw.expiresAt > now) break;
      this.byKey.delete(k);
    }
  }

  /** The earliest expiry, or Infinity. */
  nextExpiry(): number {
    const first = this.byKey.values().next();
    return first.done ? Number.POSITIVE_INFINITY : first.value.expiresAt;
  }

  /** True when some record uses local port `lp`. */
  usesPort(lp: number): boolean {
    for (const tw of this.byKey.values()) if (tw.localPort === lp) return true;
    return false;
  }
}
