// The seam between the IPv4 layer (iface/) and the transports (socket/): TCP, UDP and ICMP register a
// handler per IP protocol number; the interface routes, fragments and emits what they send. The stack
// is poll-driven as smoltcp's: nothing here reads a clock, callers pass `now` (milliseconds of guest
// time) and ask `pollAt()` when something is next due, so the same code runs on the virtual clock.

/** An IPv4 address as an unsigned 32-bit number in host order (10.0.2.15 = 0x0a00020f). */
export type Ipv4Addr = number;

/** Options for one outgoing datagram; absent fields take the interface defaults. */
export interface RkIpSendOptions {
  ttl?: number;
  tos?: number;
  /** Set DF; a datagram larger than the path MTU is then -EMSGSIZE instead of fragmented. */
  dontFragment?: boolean;
}

/** What the IPv4 layer offers a transport. Numbers are 0 or -errno (errno from @runikraft/errno). */
export interface RkIpLayer {
  /**
   * Sends one datagram of `len` payload bytes; `fill` writes the payload into a view of the netbuf
   * (zero-copy: the transport writes its header and data straight into guest RAM). `src` 0 picks the
   * route's source. -EHOSTUNREACH without a route, -ENOBUFS when netbufs ran out (backpressure: retry
   * on the next poll), -EMSGSIZE with dontFragment over the MTU. ARP misses queue the datagram.
   */
  send(
    proto: number,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    len: number,
    fill: (payload: Uint8Array, src: Ipv4Addr) => void,
    options?: RkIpSendOptions,
  ): number;
  /** The source address and path MTU (IP payload bytes) for `dst`, or null when unreachable. */
  route(dst: Ipv4Addr): { src: Ipv4Addr; mtu: number } | null;
  /** True when `addr` is one of this host's addresses (or a broadcast it accepts). */
  isLocal(addr: Ipv4Addr): boolean;
}

/** What a transport offers the IPv4 layer for its protocol number. */
export interface RkIpProtocolHandler {
  readonly proto: number;
  /**
   * One reassembled datagram for this protocol addressed to us. `payload` is a view valid only
   * during the call (copy what must outlive it). Returns false when no socket wanted it, so the
   * interface answers ICMP port unreachable (UDP) or the transport answered itself (TCP RST).
   */
  input(now: number, src: Ipv4Addr, dst: Ipv4Addr, payload: Uint8Array): boolean;
  /** An ICMP error (type, code) quoting a datagram this protocol sent: the quoted IP payload start. */
  icmpError?(
    now: number,
    type: number,
    code: number,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    quoted: Uint8Array,
  ): void;
  /** Emits whatever is due (retransmits, ACKs, probes) through `ip`. */
  poll(now: number, ip: RkIpLayer): void;
  /** The next time `poll` has work, or Infinity. */
  pollAt(now: number): number;
}
