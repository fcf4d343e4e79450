// What the protocol handlers of `-netdev user` (TCP and UDP NAT, DHCP, DNS, ICMP) need from the
// router that owns the link to the guest; keeps them free of each other.
import type { UserNetConfig } from './config';
import type { Ip4Out } from './wire';

/** A host endpoint. */
export interface HostAddr {
  readonly host: string;
  readonly port: number;
}

export interface SlirpContext {
  readonly cfg: UserNetConfig;
  /** Sends an IPv4 packet carrying `l4` (a complete transport segment) to the guest. */
  output(h: Ip4Out, l4: Uint8Array): void;
  /**
   * A frame for an IPv4 packet to the guest whose `l4len` transport bytes the caller writes at
   * L4_OFF (the IP header and source MAC are in place), then hands to {@link toGuest}.
   */
  frame(h: Ip4Out, l4len: number): Uint8Array;
  /** Sends a frame from {@link frame} to guest address `dst`. */
  toGuest(f: Uint8Array, dst: number): void;
  /** True while the NIC hands over a batch of guest frames (writes to host sockets may wait for its end). */
  readonly batching: boolean;
  /** Asks for `flush` to be called when the current batch ends. */
  afterBatch(flush: () => void): void;
  /**
   * The guest waits on host work just started (a connect, a DNS query): holds the virtual clock
   * until the release, at most `boundMs` of host time (NetBackend.holdClock).
   */
  hostWork(boundMs: number): () => void;
  /** Sends a UDP datagram to the guest. */
  outputUdp(src: number, sport: number, dst: number, dport: number, payload: Uint8Array): void;
  /** False while frames wait in the NIC queue: senders hold back until `kick`. */
  guestReady(): boolean;
  /**
   * Where a guest connection to `dst:port` goes on the host (10.0.2.2 → loopback, 10.0.2.3:53 → the
   * DNS upstream), or null when it is refused (restrict=on, inside the virtual network, filtered).
   */
  translateOut(dst: number, port: number, proto: 'tcp' | 'udp'): HostAddr | null;
  /** The address and port a host peer appears as to the guest (loopback → 10.0.2.2), or null. */
  translateIn(host: string, port: number): { ip: number; port: number } | null;
}
