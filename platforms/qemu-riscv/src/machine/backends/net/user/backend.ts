// `-netdev user`: QEMU's user-mode network (libslirp) as a NetBackend. A router between the guest's
// Ethernet and host sockets: ARP, ICMP echo, DHCP, DNS forwarding, TCP and UDP NAT, hostfwd.
// Its TCP is its own (tcp-flow.ts), independent of the guest stack, so neither masks the other.
import { NetBackend } from '../backend';
import { formatIp4, parseIp4 as parseIp4Text, slirpMac } from './addr';
import { ArpTable } from './arp';
import type { UserNetConfig } from './config';
import type { HostAddr, SlirpContext } from './context';
import { BOOTP_CLIENT, BOOTP_SERVER, DhcpServer } from './dhcp';
import { DNS_RCODE_SERVFAIL, dnsErrorReply, hostResolver } from './dns';
import { icmpInput } from './icmp';
import { TcpNat } from './tcp-nat';
import { UdpNat } from './udp-nat';
import {
  ETH_HLEN,
  ETHERTYPE_ARP,
  ETHERTYPE_IP4,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type Ip4Out,
  ip4Frame,
  L4_OFF,
  parseIp4,
  parseUdp,
  setL4Checksum,
} from './wire';

/** Programmatic settings with no QEMU option. */
export interface UserNetOptions {
  /**
   * Where queries to the DNS address go. Default: the host's resolver (/etc/resolv.conf); null:
   * none, so every query is answered SERVFAIL at once.
   */
  readonly dnsUpstream?: HostAddr | null;
  /** Extra check on every outbound host destination (tests keep NAT traffic on 127.0.0.1). */
  readonly allowOutbound?: (host: string, port: number, proto: 'tcp' | 'udp') => boolean;
}

/** Frames waiting in the NIC queue beyond which TCP stops sending until the guest takes them. */
const GUEST_BACKLOG = 64;

export class UserNetBackend extends NetBackend implements SlirpContext {
  private readonly arp: ArpTable;
  private readonly dhcp: DhcpServer;
  /** @internal the NAT tables, for tests */
  readonly tcp: TcpNat;
  /** @internal */
  readonly udp: UdpNat;
  private readonly dnsUpstream: HostAddr | null;
  private ipId = 0;
  private closed = false;
  /** Our source MAC for frames to the guest. */
  private readonly mac: Uint8Array;
  private inBatch = false;
  private readonly batchDone: (() => void)[] = [];
  /** Bound host ports of the hostfwd rules, in rule order (0-port rules get an ephemeral one). */
  readonly hostfwdPorts: number[] = [];
  /** The last exception a guest frame caused (a bug if ever set; the link stays up). */
  lastGuestError: string | null = null;
  readonly counters = { malformed: 0, fragments: 0, ignored: 0, dnsErrors: 0, errors: 0 };

  private constructor(
    id: string,
    readonly cfg: UserNetConfig,
    private readonly opts: UserNetOptions,
  ) {
    super(id);
    this.mac = slirpMac(cfg.host);
    this.arp = new ArpTable(cfg, (f) => this.deliver(f));
    this.dhcp = new DhcpServer(cfg);
    this.tcp = new TcpNat(this);
    this.udp = new UdpNat(this);
    this.dnsUpstream = opts.dnsUpstream === undefined ? hostResolver() : opts.dnsUpstream;
  }

  /** Creates the network and opens the hostfwd listeners. @throws Error naming a rule that cannot bind. */
  static async open(
    id: string,
    cfg: UserNetConfig,
    opts: UserNetOptions = {},
  ): Promise<UserNetBackend> {
    const b = new UserNetBackend(id, cfg, opts);
    const what = `-netdev user,id=${id}`;
    try {
      for (const f of cfg.hostfwd)
        b.hostfwdPorts.push(
          await (f.proto === 'tcp' ? b.tcp.listen(f, what) : b.udp.listen(f, what)),
        );
    } catch (e) {
      await b.close();
      throw e;
    }
    return b;
  }

  /** Device → network. Guest frames are untrusted: anything malformed is counted and dropped. */
  send(frame: Uint8Array): void {
    if (this.closed) return;
    try {
      this.input(frame);
    } catch (e) {
      // A guest frame must never take the host down; an escape here is a bug, kept for the traces.
      this.counters.errors++;
      this.lastGuestError = (e as Error).message;
    }
  }

  private input(frame: Uint8Array): void {
    if (frame.length < ETH_HLEN) {
      this.counters.malformed++;
      return;
    }
    const type = (frame[12] << 8) | frame[13];
    if (type === ETHERTYPE_ARP) this.arp.input(frame);
    else if (type === ETHERTYPE_IP4) this.ip4Input(frame);
    else this.counters.ignored++;
  }

  private ip4Input(frame: Uint8Array): void {
    const ip = parseIp4(frame, ETH_HLEN);
    if (!ip) {
      this.counters.malformed++;
      return;
    }
    if (ip.fragment) {
      this.counters.fragments++;
      return;
    }
    this.arp.learn(ip.src, frame.subarray(6, 12));
    if (ip.proto === IPPROTO_TCP) this.tcp.input(ip);
    else if (ip.proto === IPPROTO_UDP) {
      const u = parseUdp(ip);
      if (!u) this.counters.malformed++;
      else if (u.dport === BOOTP_SERVER) {
        if (ip.dst === this.cfg.host || ip.dst === 0xffffffff) this.dhcpInput(u.payload);
      } else if (
        ip.dst === this.cfg.dns &&
        u.dport === 53 &&
        !this.cfg.restrict &&
        !this.dnsUpstream
      ) {
        const r = dnsErrorReply(u.payload, DNS_RCODE_SERVFAIL);
        if (r) {
          this.counters.dnsErrors++;
          this.outputUdp(this.cfg.dns, 53, ip.src, u.sport, r);
        }
      } else this.udp.input(ip, u);
    } else if (ip.proto === IPPROTO_ICMP) {
      if (!icmpInput(this, ip)) this.counters.ignored++;
    } else this.counters.ignored++;
  }

  private dhcpInput(msg: Uint8Array): void {
    const r = this.dhcp.handle(msg);
    if (!r) return;
    if (r.yiaddr !== 0xffffffff) this.arp.learn(r.yiaddr, r.mac);
    const u = new Uint8Array(8 + r.reply.length);
    u.set([BOOTP_SERVER >> 8, BOOTP_SERVER & 255, BOOTP_CLIENT >> 8, BOOTP_CLIENT & 255], 0);
    u[4] = u.length >> 8;
    u[5] = u.length & 255;
    u.set(r.reply, 8);
    setL4Checksum(u, this.cfg.host, 0xffffffff, IPPROTO_UDP);
    this.output({ src: this.cfg.host, dst: 0xffffffff, proto: IPPROTO_UDP, tos: 0x10 }, u);
  }

  output(h: Ip4Out, l4: Uint8Array): void {
    const f = this.frame(h, l4.length);
    f.set(l4, L4_OFF);
    this.toGuest(f, h.dst);
  }

  frame(h: Ip4Out, l4len: number): Uint8Array {
    const f = ip4Frame(h, this.ipId, l4len);
    this.ipId = (this.ipId + 1) & 0xffff;
    f.set(this.mac, 6);
    return f;
  }

  toGuest(f: Uint8Array, dst: number): void {
    if (!this.closed) this.arp.send(f, dst);
  }

  get batching(): boolean {
    return this.inBatch;
  }

  afterBatch(flush: () => void): void {
    this.batchDone.push(flush);
  }

  hostWork(boundMs: number): () => void {
    return this.holdClock(boundMs);
  }

  /** The NIC starts handing over a batch of guest frames (one TX queue drain). */
  override beginSends(): void {
    this.inBatch = true;
  }

  /** The batch ended: writes held for it (corked host sockets) go out, one syscall per socket. */
  override endSends(): void {
    this.inBatch = false;
    const done = this.batchDone.splice(0);
    for (const f of done) f();
  }

  outputUdp(src: number, sport: number, dst: number, dport: number, payload: Uint8Array): void {
    const u = new Uint8Array(8 + payload.length);
    u.set([sport >> 8, sport & 255, dport >> 8, dport & 255, u.length >> 8, u.length & 255], 0);
    u.set(payload, 8);
    setL4Checksum(u, src, dst, IPPROTO_UDP);
    this.output({ src, dst, proto: IPPROTO_UDP }, u);
  }

  guestReady(): boolean {
    return this.queued < GUEST_BACKLOG;
  }

  translateOut(dst: number, port: number, proto: 'tcp' | 'udp'): HostAddr | null {
    const { cfg } = this;
    if (cfg.restrict || port === 0) return null; // port 0 names no peer (and Node throws on it)
    if (dst === cfg.dns) return port === 53 ? this.dnsUpstream : null;
    let host: string;
    if (dst === cfg.host) host = '127.0.0.1';
    else if ((dst & cfg.mask) >>> 0 === cfg.net) return null;
    else if (dst >>> 24 === 0 || dst >>> 24 === 127 || dst >>> 28 >= 14) return null;
    else host = formatIp4(dst);
    if (this.opts.allowOutbound && !this.opts.allowOutbound(host, port, proto)) return null;
    return { host, port };
  }

  translateIn(host: string, port: number): { ip: number; port: number } | null {
    const h = host.replace(/^::ffff:/, '');
    const up = this.dnsUpstream;
    if (up && h === up.host && port === up.port) return { ip: this.cfg.dns, port: 53 };
    const a = parseIp4Text(h);
    if (a === null) return null;
    return { ip: a >>> 24 === 127 ? this.cfg.host : a, port };
  }

  /** The device took frames: TCP sends what waited for room. */
  override flush(): void {
    super.flush();
    if (this.guestReady()) this.tcp.kick();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.udp.close();
    await this.tcp.close();
  }
}
