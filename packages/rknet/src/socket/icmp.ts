// ICMP echo sockets (Linux "ping sockets", socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)): the caller
// sends an echo request (ICMP header + data); the stack puts the socket's port in the identifier
// and computes the checksum; recv returns echo replies carrying that identifier, header included.
import { Errno } from '@runikraft/errno';
import type { Ipv4Addr, RkIpLayer, RkIpProtocolHandler } from '../ip';
import { set16 } from '../wire/bytes';
import { checksum } from '../wire/checksum';
import { isWireError } from '../wire/error';
import { ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST, ICMP_HEADER_LEN, parseIcmp } from '../wire/icmpv4';
import type { RkNetEnv, RkSocket, RkTransport } from './api';
import { IPPROTO_ICMP, SOCK_DGRAM } from './consts';
import { RkDgramSocket } from './dgram';
import { icmpErrno } from './icmp-errno';
import { RkPortTable } from './ports';

export class RkIcmpSocket extends RkDgramSocket {
  protected readonly maxPayload = 65535 - 20;

  protected transmit(buf: Uint8Array, dst: { addr: Ipv4Addr; port: number }): number {
    if (buf.length < ICMP_HEADER_LEN || buf[0] !== ICMP_ECHO_REQUEST || buf[1] !== 0)
      return -Errno.EINVAL;
    const ident = this.local!.port;
    const r = this.ip.send(
      1,
      this.local!.addr,
      dst.addr,
      buf.length,
      (m) => {
        m.set(buf);
        set16(m, 2, 0);
        set16(m, 4, ident);
        set16(m, 2, checksum(m));
      },
      { ttl: this.opts.ttl, tos: this.opts.tos },
    );
    return r < 0 ? r : buf.length;
  }
}

/** The ICMP echo transport: receives what the interface does not handle itself (echo replies). */
export class RkIcmpTransport implements RkTransport, RkIpProtocolHandler {
  readonly proto = 1;
  readonly type = SOCK_DGRAM;
  readonly protocol = IPPROTO_ICMP;
  readonly ports: RkPortTable<RkDgramSocket>;

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
    return new RkIcmpSocket(this.env, this.ip, this.ports, SOCK_DGRAM, IPPROTO_ICMP, flags);
  }

  input(_now: number, src: Ipv4Addr, dst: Ipv4Addr, payload: Uint8Array): boolean {
    const m = parseIcmp(payload);
    if (isWireError(m) || m.type !== ICMP_ECHO_REPLY) return true;
    const ident = m.rest >>> 16;
    for (const s of this.ports.owners(ident) as RkDgramSocket[])
      if (s.matches(dst, src, s.remote?.port ?? 0)) {
        s.enqueue(payload, src, 0);
        return true;
      }
    return true;
  }

  icmpError(
    _now: number,
    type: number,
    code: number,
    _src: Ipv4Addr,
    dst: Ipv4Addr,
    quoted: Uint8Array,
  ): void {
    if (quoted.length < 8 || quoted[0] !== ICMP_ECHO_REQUEST) return;
    const ident = (quoted[4] << 8) | quoted[5];
    const { errno } = icmpErrno(type, code);
    if (!errno) return;
    for (const s of this.ports.owners(ident) as RkDgramSocket[])
      if (!s.remote || s.remote.addr === dst) s.icmpError(errno);
  }

  poll(): void {}

  pollAt(): number {
    return Number.POSITIVE_INFINITY;
  }
}

/** The ICMP echo transport factory (RkTransportFactory). */
export function icmpTransport(env: RkNetEnv, ip: RkIpLayer): RkIcmpTransport {
  return new RkIcmpTransport(env, ip);
}
