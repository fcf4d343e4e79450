// UDP sockets (RFC 768; Linux udp(7) semantics) and the UDP transport the stack registers for
// IP protocol 17. Data path: input copies each datagram once into the socket's queue (the RX
// netbuf goes straight back to the pool) and recv copies it out; send writes straight into the
// TX netbuf. Two copies in, one out.
import type { Ipv4Addr, RkIpLayer, RkIpProtocolHandler } from '../ip';
import { isWireError } from '../wire/error';
import { emitUdpHeader, IP_PROTO_UDP, parseUdp, UDP_HEADER_LEN } from '../wire/udp';
import type { RkNetEnv, RkSocket, RkTransport } from './api';
import { IPPROTO_UDP, SOCK_DGRAM } from './consts';
import { RkDgramSocket } from './dgram';
import { icmpErrno } from './icmp-errno';
import { RkPortTable } from './ports';

export class RkUdpSocket extends RkDgramSocket {
  protected readonly maxPayload = 65535 - 20 - UDP_HEADER_LEN;

  protected transmit(buf: Uint8Array, dst: { addr: Ipv4Addr; port: number }): number {
    const sport = this.local!.port;
    const r = this.ip.send(
      IP_PROTO_UDP,
      this.local!.addr,
      dst.addr,
      UDP_HEADER_LEN + buf.length,
      (seg, src) => {
        seg.set(buf, UDP_HEADER_LEN);
        emitUdpHeader(sport, dst.port, buf.length, seg, src, dst.addr);
      },
      { ttl: this.opts.ttl, tos: this.opts.tos },
    );
    return r < 0 ? r : buf.length;
  }
}

/** The UDP transport: sockets plus the protocol-17 handler that demultiplexes to them. */
export class RkUdpTransport implements RkTransport, RkIpProtocolHandler {
  readonly proto = IP_PROTO_UDP;
  readonly type = SOCK_DGRAM;
  readonly protocol = IPPROTO_UDP;
  readonly ports: RkPortTable<RkDgramSocket>;
  /** Datagrams that failed to parse (bad length or checksum). */
  rxErrors = 0;

  constructor(
    private readonly env: RkNetEnv,
    private readonly ip: RkIpLayer,
    seed = 0,
  ) {
    this.ports = new RkPortTable(seed);
  }

  get handler(): RkIpProtocolHandler {
    return this;
  }

  socket(flags: number): RkSocket | number {
    return new RkUdpSocket(this.env, this.ip, this.ports, SOCK_DGRAM, IPPROTO_UDP, flags);
  }

  input(_now: number, src: Ipv4Addr, dst: Ipv4Addr, payload: Uint8Array): boolean {
    const u = parseUdp(payload, src, dst);
    if (isWireError(u)) {
      this.rxErrors++;
      return true; // a corrupt datagram is dropped silently, never answered (RFC 1122 §4.1.3.4)
    }
    const owners = this.ports.owners(u.dstPort) as RkDgramSocket[];
    if (dst === 0xffffffff || !this.ip.isLocal(dst) || owners.length === 0) {
      let any = false;
      for (const s of owners)
        if (s.matches(dst, src, u.srcPort)) any = s.enqueue(u.payload, src, u.srcPort) || any;
      return any || owners.length > 0;
    }
    // Unicast: the most specific match (connected beats bound-to-address beats wildcard).
    let best: RkDgramSocket | null = null;
    let score = -1;
    for (const s of owners) {
      if (!s.matches(dst, src, u.srcPort)) continue;
      const sc = (s.remote ? 2 : 0) + (s.local!.addr === dst ? 1 : 0);
      if (sc > score) {
        best = s;
        score = sc;
      }
    }
    if (!best) return false;
    best.enqueue(u.payload, src, u.srcPort);
    return true;
  }

  icmpError(
    _now: number,
    type: number,
    code: number,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    quoted: Uint8Array,
  ): void {
    if (quoted.length < 4) return;
    const sport = (quoted[0] << 8) | quoted[1];
    const dport = (quoted[2] << 8) | quoted[3];
    const { errno } = icmpErrno(type, code);
    if (!errno) return;
    for (const s of this.ports.owners(sport) as RkDgramSocket[])
      if (
        s.remote &&
        s.remote.addr === dst &&
        s.remote.port === dport &&
        (s.local!.addr === 0 || s.local!.addr === src)
      )
        s.icmpError(errno);
  }

  poll(): void {}

  pollAt(): number {
    return Number.POSITIVE_INFINITY;
  }
}

/** The UDP transport factory (RkTransportFactory). */
export function udpTransport(env: RkNetEnv, ip: RkIpLayer): RkUdpTransport {
  return new RkUdpTransport(env, ip);
}
