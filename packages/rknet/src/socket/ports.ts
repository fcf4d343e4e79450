// A port table for one transport (TCP and UDP each have their own port space): binding with the
// address-overlap and SO_REUSEADDR rules, and ephemeral ports (Linux's default range 32768–60999).
import { Errno } from '@runikraft/errno';
import type { Ipv4Addr } from '../ip';

export const RK_EPHEMERAL_FIRST = 32768;
export const RK_EPHEMERAL_LAST = 60999;

interface Binding<T> {
  readonly addr: Ipv4Addr;
  readonly reuse: boolean;
  readonly owner: T;
}

/** The bindings of one port space; `T` is the owning socket. */
export class RkPortTable<T> {
  private readonly ports = new Map<number, Binding<T>[]>();
  private cursor: number;

  /** `seed` picks where the ephemeral search starts (pass randomness so ports are not predictable). */
  constructor(seed = 0) {
    const span = RK_EPHEMERAL_LAST - RK_EPHEMERAL_FIRST + 1;
    this.cursor = RK_EPHEMERAL_FIRST + (Math.abs(Math.floor(seed)) % span);
  }

  /**
   * Binds `owner` to `addr:port` (port 0: an ephemeral one). Two bindings of one port conflict when
   * their addresses overlap (equal, or either is INADDR_ANY) unless both set SO_REUSEADDR.
   * @returns the port bound, -EADDRINUSE, or -EINVAL for a port outside 0..65535.
   */
  bind(owner: T, addr: Ipv4Addr, port: number, reuse: boolean): number {
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) return -Errno.EINVAL;
    if (port === 0) {
      const p = this.freeEphemeral(addr);
      if (p < 0) return p;
      port = p;
    } else if (this.conflicts(addr, port, reuse)) return -Errno.EADDRINUSE;
    const list = this.ports.get(port);
    const b = { addr, reuse, owner };
    if (list) list.push(b);
    else this.ports.set(port, [b]);
    return port;
  }

  /** Removes `owner`'s binding of `port` (no-op when absent). */
  release(owner: T, port: number): void {
    const list = this.ports.get(port);
    if (!list) return;
    const rest = list.filter((b) => b.owner !== owner);
    if (rest.length) this.ports.set(port, rest);
    else this.ports.delete(port);
  }

  /** The owners bound to `port`, most specific address first (exact `addr`, then INADDR_ANY). */
  lookup(port: number, addr: Ipv4Addr): T | undefined {
    const list = this.ports.get(port);
    if (!list) return undefined;
    let any: T | undefined;
    for (const b of list) {
      if (b.addr === addr) return b.owner;
      if (b.addr === 0 && any === undefined) any = b.owner;
    }
    return any;
  }

  /** Every owner bound to `port` (for broadcast delivery). */
  owners(port: number): readonly T[] {
    return (this.ports.get(port) ?? []).map((b) => b.owner);
  }

  /** Number of bound ports (for leak checks). */
  get size(): number {
    return this.ports.size;
  }

  private conflicts(addr: Ipv4Addr, port: number, reuse: boolean): boolean {
    const list = this.ports.get(port);
    if (!list) return false;
    return list.some((b) => (b.addr === addr || b.addr === 0 || addr === 0) && !(b.reuse && reuse));
  }

  private freeEphemeral(addr: Ipv4Addr): number {
    const span = RK_EPHEMERAL_LAST - RK_EPHEMERAL_FIRST + 1;
    for (let i = 0; i < span; i++) {
      const p = this.cursor;
      this.cursor = p === RK_EPHEMERAL_LAST ? RK_EPHEMERAL_FIRST : p + 1;
      if (!this.conflicts(addr, p, false)) return p;
    }
    return -Errno.EADDRINUSE;
  }
}
