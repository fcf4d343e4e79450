// A DHCP client (RFC 2131 §4.4: INIT → SELECTING → REQUESTING → BOUND → RENEWING → REBINDING),
// polled by the stack's driver thread. It owns a UDP socket on port 68 and sends through the IP
// layer from 0.0.0.0 to the limited broadcast until it has an address (RFC 2131 §4.1).

import type { RkInterface, RkIpConfig } from '../iface/interface';
import type { Ipv4Addr } from '../ip';
import {
  DHCP_CLIENT_PORT,
  DHCP_PARAMS_WANTED,
  DHCP_SERVER_PORT,
  DHCPACK,
  DHCPDISCOVER,
  DHCPNAK,
  DHCPOFFER,
  DHCPRELEASE,
  DHCPREQUEST,
  type DhcpRepr,
  dhcpLen,
  emitDhcp,
  parseDhcp,
} from '../wire/dhcpv4';
import { isWireError } from '../wire/error';
import { emitUdpHeader, IP_PROTO_UDP, UDP_HEADER_LEN } from '../wire/udp';
import type { RkTransport } from './api';
import { RkDgramSocket } from './dgram';

export type RkDhcpState = 'init' | 'selecting' | 'requesting' | 'bound' | 'renewing' | 'rebinding';

/** First retransmission interval (RFC 2131 §4.1 suggests 4 s; slirp and dnsmasq answer at once). */
const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 32_000;

export class RkDhcpClient {
  state: RkDhcpState = 'init';
  /** The current lease, when bound. */
  lease: (RkIpConfig & { server: Ipv4Addr; leaseS: number }) | null = null;
  private readonly sock: RkDgramSocket;
  private xid = 0;
  private nextAt = 0;
  private retryMs = RETRY_FIRST_MS;
  private offer: DhcpRepr | null = null;
  private t1 = 0;
  private t2 = 0;
  private expiry = 0;

  constructor(
    private readonly iface: RkInterface,
    udp: RkTransport,
    private readonly random: () => number,
    /** Called with the new configuration on a lease, or null when it is lost. */
    private readonly apply: (cfg: RkIpConfig | null) => void,
  ) {
    const s = udp.socket(0);
    if (typeof s === 'number' || !(s instanceof RkDgramSocket))
      throw new RangeError('rknet dhcp: the UDP transport gave no datagram socket');
    this.sock = s;
    s.opts.broadcast = true;
    s.opts.reuseAddr = true;
    const r = s.bind({ family: 2, addr: 0, port: DHCP_CLIENT_PORT });
    if (r < 0) throw new RangeError(`rknet dhcp: cannot bind port 68 (${r})`);
  }

  /** Handles replies and timers due at `now`. */
  poll(now: number): void {
    for (let d = this.sock.takeDatagram(); d; d = this.sock.takeDatagram())
      if (d.port === DHCP_SERVER_PORT) this.input(d.data, now);
    if (now < this.nextAt) return;
    switch (this.state) {
      case 'init':
        this.xid = Math.floor(this.random() * 0x1_0000_0000) >>> 0;
        this.state = 'selecting';
        this.retryMs = RETRY_FIRST_MS;
        this.transmit(DHCPDISCOVER, now);
        break;
      case 'selecting':
      case 'requesting':
        if (this.state === 'requesting' && this.retryMs > RETRY_MAX_MS / 2) {
          this.restart(now);
          break;
        }
        this.transmit(this.state === 'selecting' ? DHCPDISCOVER : DHCPREQUEST, now);
        break;
      case 'bound':
        this.state = 'renewing';
        this.retryMs = RETRY_FIRST_MS;
        this.transmit(DHCPREQUEST, now);
        break;
      case 'renewing':
      case 'rebinding':
        if (now >= this.expiry) {
          this.apply(null);
          this.lease = null;
          this.restart(now);
        } else {
          if (now >= this.t2) this.state = 'rebinding';
          this.transmit(DHCPREQUEST, now);
        }
        break;
    }
  }

  pollAt(): number {
    return this.nextAt;
  }

  /** Gives the lease back (DHCPRELEASE) when there is one. */
  release(now: number): void {
    if (this.lease) this.transmit(DHCPRELEASE, now);
    this.lease = null;
  }

  private restart(now: number): void {
    this.state = 'init';
    this.offer = null;
    this.nextAt = now;
  }

  private input(bytes: Uint8Array, now: number): void {
    const m = parseDhcp(bytes);
    if (isWireError(m) || m.op !== 2 || m.xid !== this.xid || m.chaddr !== this.iface.mac) return;
    if (this.state === 'selecting' && m.messageType === DHCPOFFER && m.serverId !== null) {
      this.offer = m;
      this.state = 'requesting';
      this.retryMs = RETRY_FIRST_MS;
      this.transmit(DHCPREQUEST, now);
      return;
    }
    const waiting =
      this.state === 'requesting' || this.state === 'renewing' || this.state === 'rebinding';
    if (!waiting) return;
    if (m.messageType === DHCPNAK) {
      if (this.lease) this.apply(null);
      this.lease = null;
      this.restart(now);
    } else if (m.messageType === DHCPACK) this.bind(m, now);
  }

  private bind(m: DhcpRepr, now: number): void {
    const mask = m.subnetMask ?? 0xffffff00;
    let prefixLen = 0;
    for (let x = mask >>> 0; x & 0x80000000; x = (x << 1) >>> 0) prefixLen++;
    const leaseS = m.leaseTime ?? 86_400;
    const server = m.serverId ?? this.offer?.serverId ?? 0;
    const cfg = { addr: m.yiaddr, prefixLen, gateway: m.routers[0] ?? 0, dns: m.dns };
    const changed =
      !this.lease || this.lease.addr !== cfg.addr || this.lease.gateway !== cfg.gateway;
    this.lease = { ...cfg, server, leaseS };
    this.state = 'bound';
    this.t1 = now + (m.renewalTime ?? leaseS / 2) * 1000;
    this.t2 = now + (m.rebindingTime ?? (leaseS * 7) / 8) * 1000;
    this.expiry = now + leaseS * 1000;
    this.nextAt = this.t1;
    if (changed) this.apply(cfg);
  }

  private transmit(type: number, now: number): void {
    const lease = this.lease;
    const renewing =
      this.state === 'renewing' || this.state === 'rebinding' || type === DHCPRELEASE;
    const msg: DhcpRepr = {
      op: 1,
      xid: this.xid,
      secs: 0,
      broadcast: false,
      ciaddr: renewing && lease ? lease.addr : 0,
      yiaddr: 0,
      siaddr: 0,
      giaddr: 0,
      chaddr: this.iface.mac,
      messageType: type,
      serverId:
        type === DHCPREQUEST && this.state === 'requesting'
          ? (this.offer?.serverId ?? null)
          : type === DHCPRELEASE && lease
            ? lease.server
            : null,
      requestedIp:
        type === DHCPREQUEST && this.state === 'requesting' ? (this.offer?.yiaddr ?? null) : null,
      subnetMask: null,
      routers: [],
      dns: [],
      leaseTime: null,
      renewalTime: null,
      rebindingTime: null,
      paramRequest: type === DHCPRELEASE ? [] : DHCP_PARAMS_WANTED,
      maxSize: type === DHCPRELEASE ? null : 1500,
      clientId: this.iface.mac,
      hostname: null,
    };
    // Renewing is unicast to the server from our address; everything else is broadcast from 0.
    const unicast = this.state === 'renewing' || type === DHCPRELEASE;
    const dst = unicast && lease ? lease.server : 0xffffffff;
    const src = renewing && lease ? lease.addr : 0;
    const len = dhcpLen(msg);
    this.iface.send(IP_PROTO_UDP, src || 0, dst, UDP_HEADER_LEN + len, (seg, from) => {
      emitDhcp(msg, seg.subarray(UDP_HEADER_LEN));
      emitUdpHeader(DHCP_CLIENT_PORT, DHCP_SERVER_PORT, len, seg, from, dst);
    });
    this.nextAt = now + this.retryMs * (0.9 + 0.2 * this.random());
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}
