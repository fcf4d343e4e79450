// The routing table: the interface's connected subnet plus static routes and a default gateway,
// longest prefix first (RFC 1812 §5.2.4.3 as a host applies it, RFC 1122 §3.3.1).
import type { Ipv4Addr } from '../ip';

export interface RkRoute {
  /** Network address (host bits zero) and prefix length; 0/0 is the default route. */
  readonly dest: Ipv4Addr;
  readonly prefixLen: number;
  /** Next hop, or 0 for a directly connected network. */
  readonly gateway: Ipv4Addr;
}

/** The netmask for a prefix length (0..32) as an unsigned number. */
export function prefixMask(prefixLen: number): number {
  return prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}

/** True when `a` lies in `net/prefixLen`. */
export function inSubnet(a: Ipv4Addr, net: Ipv4Addr, prefixLen: number): boolean {
  const m = prefixMask(prefixLen);
  return (a & m) >>> 0 === (net & m) >>> 0;
}

export class RkRouteTable {
  private routes: RkRoute[] = [];

  /** Adds or replaces the route for `dest/prefixLen`. Throws RangeError for a bad prefix length. */
  add(route: RkRoute): void {
    if (!Number.isInteger(route.prefixLen) || route.prefixLen < 0 || route.prefixLen > 32)
      throw new RangeError(`route: prefix length ${route.prefixLen} is not in 0..32`);
    const dest = (route.dest & prefixMask(route.prefixLen)) >>> 0;
    this.remove(dest, route.prefixLen);
    this.routes.push({ ...route, dest });
    this.routes.sort((a, b) => b.prefixLen - a.prefixLen);
  }

  /** Removes the route for `dest/prefixLen`; @returns whether one was there. */
  remove(dest: Ipv4Addr, prefixLen: number): boolean {
    const n = this.routes.length;
    this.routes = this.routes.filter((r) => !(r.dest === dest && r.prefixLen === prefixLen));
    return this.routes.length !== n;
  }

  /** Sets the default gateway (0 removes the default route). */
  setDefault(gateway: Ipv4Addr): void {
    if (gateway === 0) this.remove(0, 0);
    else this.add({ dest: 0, prefixLen: 0, gateway });
  }

  /** The next hop for `dst` (the gateway, or `dst` itself on a connected network), or null. */
  nextHop(dst: Ipv4Addr): Ipv4Addr | null {
    for (const r of this.routes)
      if (inSubnet(dst, r.dest, r.prefixLen)) return r.gateway === 0 ? dst : r.gateway;
    return null;
  }

  list(): readonly RkRoute[] {
    return this.routes;
  }

  clear(): void {
    this.routes = [];
  }
}
