// An IPv4 interface over one rknetdev device (smoltcp's iface::Interface, lwIP's netif): Ethernet
// in and out, ARP (answering at once, gratuitous at link-up), routing, fragmentation on send,
// reassembly, ICMP echo and errors, and dispatch to the transports registered per IP protocol.
// Poll-driven: `poll(now)` does all work and `pollAt(now)` says when it is next due; no clock reads.
// Larger than most files (~400 lines) because input and output share its state; ip-output.ts holds
// the frame-building half.
import { Errno } from '@runikraft/errno';
import type { RkNetbuf, RkNetbufPool, RkNetdev } from '@runikraft/rknetdev';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { Ipv4Addr, RkIpLayer, RkIpProtocolHandler, RkIpSendOptions } from '../ip';
import { ARP_REPLY, ARP_REQUEST, emitArp, parseArp } from '../wire/arp';
import { isWireError, type RkWireError } from '../wire/error';
import {
  ETH_BROADCAST,
  ETH_HEADER_LEN,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  emitEthernetHeader,
  isMulticastMac,
  type MacAddr,
  macFromBytes,
  parseEthernet,
} from '../wire/ethernet';
import {
  emitIcmp,
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REQUEST,
  ICMP_EXC_FRAGTIME,
  ICMP_HOST_UNREACH,
  ICMP_PORT_UNREACH,
  ICMP_PROTO_UNREACH,
  ICMP_TIME_EXCEEDED,
  isIcmpError,
  parseIcmp,
} from '../wire/icmpv4';
import { emitIpv4Header, IPV4_HEADER_LEN, type Ipv4Repr, parseIpv4 } from '../wire/ipv4';
import { RK_ARP_DEFAULTS, RkArpCache, type RkArpCacheLimits } from './arp-cache';
import { icmpErrorAllowed, icmpQuote, RkRateLimit } from './icmp';
import { IpOutput } from './ip-output';
import { isLoopbackAddr, RK_LOOPBACK_MTU, RkLoopbackQueue } from './loopback';
import { RK_REASSEMBLY_DEFAULTS, RkReassembler, type RkReassemblyLimits } from './reassembly';
import { inSubnet, prefixMask, RkRouteTable } from './routes';

/** The address configuration of an interface (from netdev.ip=, DHCP or the app). */
export interface RkIpConfig {
  readonly addr: Ipv4Addr;
  readonly prefixLen: number;
  /** Default gateway, 0 for none. */
  readonly gateway: Ipv4Addr;
  readonly dns: readonly Ipv4Addr[];
}

export interface RkInterfaceOptions {
  readonly dev: RkNetdev;
  readonly phys: RkPhysMem;
  /** Buffers posted to the RX ring, and buffers frames are built in; headroom ≥ the device's. */
  readonly rxPool: RkNetbufPool;
  readonly txPool: RkNetbufPool;
  /** RX descriptors to post (default 128). */
  readonly rxDesc?: number;
  /** Called in IRQ context when frames arrive: wake the thread that polls. */
  readonly onRx?: () => void;
  /** Called when work was queued for the next poll (a looped-back datagram): wake the poller. */
  readonly onWork?: () => void;
  /** Starting IP identification (pass randomness). */
  readonly identSeed?: number;
  readonly arp?: RkArpCacheLimits;
  readonly reassembly?: RkReassemblyLimits;
}

/** Counters for tests and diagnostics; `lastError` is the latest rejected packet's reason. */
export interface RkInterfaceStats {
  rxFrames: number;
  rxDropped: number;
  txFrames: number;
  txDropped: number;
  icmpErrorsSent: number;
  echoReplies: number;
  lastError: string;
}

const RX_BURST = 32;
const NO_BYTES = new Uint8Array(0);
/** Frames taken per poll before yielding (the rest are taken at the next poll, due at once). */
const RX_BUDGET = 256;

export class RkInterface implements RkIpLayer {
  readonly mac: MacAddr;
  readonly mtu: number;
  readonly routes = new RkRouteTable();
  readonly arp: RkArpCache<RkNetbuf>;
  readonly reassembler: RkReassembler;
  readonly stats: RkInterfaceStats = {
    rxFrames: 0,
    rxDropped: 0,
    txFrames: 0,
    txDropped: 0,
    icmpErrorsSent: 0,
    echoReplies: 0,
    lastError: '',
  };
  private cfg: RkIpConfig | null = null;
  private readonly handlers = new Map<number, RkIpProtocolHandler>();
  private readonly out: IpOutput;
  private readonly icmpLimit = new RkRateLimit();
  private readonly rxBatch: RkNetbuf[] = [];
  private now = 0;
  private rxMore = false;
  private readonly loop = new RkLoopbackQueue();

  constructor(private readonly o: RkInterfaceOptions) {
    this.mac = macFromBytes(o.dev.hwaddr());
    this.mtu = o.dev.mtu();
    this.arp = new RkArpCache<RkNetbuf>((nb, why) => {
      if (why === 'unresolved') this.hostUnreachable(nb);
      nb.free();
    }, o.arp ?? RK_ARP_DEFAULTS);
    this.reassembler = new RkReassembler(o.reassembly ?? RK_REASSEMBLY_DEFAULTS);
    this.out = new IpOutput(
      o.dev,
      o.phys,
      o.txPool,
      this.mac,
      this.mtu,
      o.identSeed ?? 0,
      this.stats,
    );
  }

  /**
   * Configures and starts the device (one RX and one TX queue, interrupt mode when `onRx` is given).
   * @returns 0, or the device's -errno (-EINVAL, -EBUSY, -ENOMEM).
   */
  open(): number {
    const d = this.o.dev;
    const info = d.info();
    if (this.o.txPool.headroom < info.txHeadroom) return -Errno.EINVAL;
    let r = d.configure({ nbRxQueues: 1, nbTxQueues: 1 });
    if (r < 0) return r;
    const onRx = this.o.onRx;
    r = d.rxqConfigure(0, this.o.rxDesc ?? 128, {
      allocRx: (n) => this.o.rxPool.allocBurst(n),
      ...(onRx ? { callback: () => onRx() } : {}),
    });
    if (r < 0) return r;
    r = d.txqConfigure(0, 0);
    if (r < 0) return r;
    r = d.start();
    if (r < 0) return r;
    if (onRx) d.rxIntrEnable(0);
    return 0;
  }

  /** The address configuration, or null before one is set. */
  get config(): RkIpConfig | null {
    return this.cfg;
  }

  /**
   * Sets (or with null clears) the address, the connected route and the default gateway, then
   * announces the address with a gratuitous ARP request (RFC 5227 §3) so neighbours update caches.
   */
  setConfig(cfg: RkIpConfig | null, now: number): void {
    this.now = now;
    this.routes.clear();
    this.cfg = cfg;
    if (!cfg) return;
    this.routes.add({ dest: cfg.addr, prefixLen: cfg.prefixLen, gateway: 0 });
    if (cfg.gateway) this.routes.setDefault(cfg.gateway);
    if (this.o.dev.linkUp()) this.sendArp(ARP_REQUEST, ETH_BROADCAST, 0, cfg.addr);
  }

  /** Registers the transport for `handler.proto` (replacing any earlier one). */
  addHandler(handler: RkIpProtocolHandler): void {
    this.handlers.set(handler.proto, handler);
  }

  // ---- RkIpLayer -------------------------------------------------------------------------------

  send(
    proto: number,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    len: number,
    fill: (payload: Uint8Array, src: Ipv4Addr) => void,
    options?: RkIpSendOptions,
  ): number {
    if (this.isOwn(dst)) {
      const from = src !== 0 ? src : dst;
      const r = this.loop.push(proto, from, dst, len, fill, options);
      if (r === 0) this.o.onWork?.();
      return r;
    }
    const broadcast = this.isBroadcast(dst);
    const hop = broadcast ? dst : this.routes.nextHop(dst);
    if (hop === null) return this.cfg ? -Errno.EHOSTUNREACH : -Errno.ENETUNREACH;
    const from = src === 0 ? (this.cfg?.addr ?? 0) : src;
    const frames = this.out.build(proto, from, dst, len, fill, options);
    if (typeof frames === 'number') return frames;
    for (const nb of frames) this.emitFrame(nb, broadcast ? ETH_BROADCAST : hop);
    return 0;
  }

  route(dst: Ipv4Addr): { src: Ipv4Addr; mtu: number } | null {
    if (this.isOwn(dst)) return { src: dst, mtu: RK_LOOPBACK_MTU };
    if (!this.cfg) return null;
    if (!this.isBroadcast(dst) && this.routes.nextHop(dst) === null) return null;
    return { src: this.cfg.addr, mtu: this.mtu - 20 };
  }

  isLocal(addr: Ipv4Addr): boolean {
    if (isLoopbackAddr(addr)) return true;
    if (!this.cfg) return false;
    return addr === this.cfg.addr || this.isBroadcast(addr);
  }

  // ---- polling ---------------------------------------------------------------------------------

  /** Does everything due at `now`: input, ARP retries, reassembly timeouts, transports, TX backlog. */
  poll(now: number): void {
    this.now = now;
    // everything this poll sends (ACKs for what arrived, transports' output) is one TX burst
    this.out.begin();
    try {
      this.pollOnce(now);
    } finally {
      this.out.end();
    }
  }

  private pollOnce(now: number): void {
    this.receive();
    this.deliverLooped();
    const { retry } = this.arp.poll(now);
    for (const ip of retry) this.requestArp(ip);
    for (const t of this.reassembler.poll(now))
      if (t.quote && this.cfg)
        this.sendIcmpError(ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, t.src, t.quote);
    for (const h of this.handlers.values()) h.poll(now, this);
    this.out.flush();
  }

  /** The next time `poll` has work: `now` while frames or TX backlog wait. */
  pollAt(now: number): number {
    if (this.rxMore || this.out.backlog > 0 || this.loop.length > 0) return now;
    let at = Math.min(this.arp.pollAt(), this.reassembler.pollAt());
    for (const h of this.handlers.values()) at = Math.min(at, h.pollAt(now));
    return at;
  }

  /** Stops the device and drops held frames. */
  close(): void {
    this.o.dev.rxIntrDisable(0);
    this.o.dev.stop();
    this.arp.clear();
    this.out.clear();
    for (let r = this.o.dev.rxOne(0); r.pkt; r = this.o.dev.rxOne(0)) r.pkt.free();
  }

  // ---- input -----------------------------------------------------------------------------------

  private receive(): void {
    let budget = RX_BUDGET;
    this.rxMore = false;
    while (budget > 0) {
      const n = this.o.dev.rxBurst(0, this.rxBatch, Math.min(RX_BURST, budget));
      if (n <= 0) return;
      budget -= n;
      for (let i = 0; i < n; i++) {
        const nb = this.rxBatch[i];
        this.stats.rxFrames++;
        try {
          this.inputFrame(this.frameOf(nb));
        } finally {
          nb.free();
        }
      }
    }
    this.rxMore = true;
  }

  /** The frame bytes of a received netbuf: a view of guest RAM, or one copy for a chain. */
  private frameOf(nb: RkNetbuf): Uint8Array {
    const phys = this.o.phys;
    if (nb.next) {
      let n = 0;
      for (let b: RkNetbuf | null = nb; b; b = b.next) n += b.len;
      const out = new Uint8Array(n);
      let o = 0;
      for (let b: RkNetbuf | null = nb; b; b = b.next) {
        const s = b.pa - phys.base + b.data;
        out.set(phys.u8.subarray(s, s + b.len), o);
        o += b.len;
      }
      return out;
    }
    const s = nb.pa - phys.base + nb.data;
    return phys.u8.subarray(s, s + nb.len);
  }

  /** Processes one received frame (exposed for tests and fuzzing through `inject`). */
  inputFrame(frame: Uint8Array): void {
    const eth = parseEthernet(frame);
    if (isWireError(eth)) {
      this.drop(eth);
      return;
    }
    const linkBroadcast = eth.dst === ETH_BROADCAST;
    if (eth.dst !== this.mac && !isMulticastMac(eth.dst)) {
      this.drop(null);
      return;
    }
    if (eth.ethertype === ETHERTYPE_ARP) this.inputArp(eth.payload);
    else if (eth.ethertype === ETHERTYPE_IPV4) this.inputIpv4(eth.payload, linkBroadcast);
    else this.stats.rxDropped++;
  }

  private drop(err: RkWireError | null): void {
    this.stats.rxDropped++;
    if (err) this.stats.lastError = err.message;
  }

  private inputArp(bytes: Uint8Array): void {
    const a = parseArp(bytes);
    if (isWireError(a)) {
      this.drop(a);
      return;
    }
    const me = this.cfg?.addr ?? 0;
    if (me === 0 || a.spa === me) return; // unconfigured, or an echo of our own announcement
    const forUs = a.tpa === me;
    if (a.spa !== 0 && !isMulticastMac(a.sha) && (forUs || this.arp.knows(a.spa)))
      for (const nb of this.arp.learn(a.spa, a.sha, this.now)) this.out.transmit(nb, a.sha);
    if (a.op === ARP_REQUEST && forUs) this.sendArp(ARP_REPLY, a.sha, a.sha, a.spa);
  }

  private inputIpv4(bytes: Uint8Array, linkBroadcast: boolean): void {
    const ip = parseIpv4(bytes);
    if (isWireError(ip)) {
      this.drop(ip);
      return;
    }
    const unconfigured = this.cfg === null;
    // A host does not forward (RFC 1122 §3.3.1.1); before an address is set (DHCP) take all.
    if (!unconfigured && !this.isLocal(ip.dst)) {
      this.drop(null);
      return;
    }
    if (ip.src === 0xffffffff || ip.src >>> 28 === 14) {
      this.drop(null);
      return;
    }
    let payload = ip.payload;
    if (ip.moreFragments || ip.fragOffset !== 0) {
      const whole = this.reassembler.add(ip, bytes, this.now);
      if (!whole) return;
      payload = whole;
    }
    const header = bytes.subarray(0, ip.payload.byteOffset - bytes.byteOffset);
    this.deliver(ip, header, payload, linkBroadcast || this.isBroadcast(ip.dst));
  }

  /**
   * A datagram we sent waited for ARP in vain: tell its transport as ICMP host unreachable would
   * (RFC 1122 §2.3.2.2; Linux reports EHOSTUNREACH), quoting it from the held frame.
   */
  private hostUnreachable(nb: RkNetbuf): void {
    const s = nb.pa - this.o.phys.base + nb.data;
    const ip = parseIpv4(this.o.phys.u8.subarray(s + ETH_HEADER_LEN, s + nb.len));
    if (isWireError(ip) || ip.fragOffset !== 0) return;
    this.handlers
      .get(ip.proto)
      ?.icmpError?.(this.now, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, ip.src, ip.dst, ip.payload);
  }

  /** This host's own address or 127.0.0.0/8: delivered locally, never sent. */
  private isOwn(dst: Ipv4Addr): boolean {
    return isLoopbackAddr(dst) || (this.cfg !== null && dst === this.cfg.addr);
  }

  private deliverLooped(): void {
    for (const d of this.loop.take()) {
      const ip: Ipv4Repr = {
        tos: d.tos,
        ident: 0,
        dontFragment: false,
        moreFragments: false,
        fragOffset: 0,
        ttl: d.ttl,
        proto: d.proto,
        src: d.src,
        dst: d.dst,
        options: NO_BYTES,
        payload: d.payload,
      };
      const header = new Uint8Array(IPV4_HEADER_LEN);
      emitIpv4Header(ip, d.payload.length, header);
      this.deliver(ip, header, d.payload, false, true);
    }
  }

  private deliver(
    ip: Ipv4Repr,
    header: Uint8Array,
    payload: Uint8Array,
    bcast: boolean,
    looped = false,
  ): void {
    if (ip.proto === 1) {
      this.inputIcmp(ip, payload, bcast);
      return;
    }
    const h = this.handlers.get(ip.proto);
    const whole = { ...ip, fragOffset: 0 };
    if (!h) {
      if (icmpErrorAllowed(whole, payload, bcast, looped))
        this.sendIcmpError(
          ICMP_DEST_UNREACH,
          ICMP_PROTO_UNREACH,
          ip.src,
          icmpQuote(header, payload),
        );
      return;
    }
    const taken = h.input(this.now, ip.src, ip.dst, payload);
    if (!taken && ip.proto === 17 && icmpErrorAllowed(whole, payload, bcast, looped))
      this.sendIcmpError(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, ip.src, icmpQuote(header, payload));
  }

  private inputIcmp(ip: Ipv4Repr, payload: Uint8Array, bcast: boolean): void {
    const m = parseIcmp(payload);
    if (isWireError(m)) {
      this.drop(m);
      return;
    }
    if (m.type === ICMP_ECHO_REQUEST) {
      // Linux's default icmp_echo_ignore_broadcasts=1: no answer to a broadcast ping (smurf).
      if (bcast || !this.cfg) return;
      const data = m.data;
      const r = this.send(1, this.cfg.addr, ip.src, 8 + data.length, (buf) => {
        emitIcmp({ type: 0, code: 0, rest: m.rest, data }, buf);
      });
      if (r === 0) this.stats.echoReplies++;
      return;
    }
    if (isIcmpError(m.type)) {
      // The quote: the offending datagram's header (ours) and at least 8 bytes of its data.
      const q = m.data;
      if (q.length < 28 || q[0] >> 4 !== 4) {
        this.drop(null);
        return;
      }
      const hl = (q[0] & 0xf) * 4;
      if (hl < 20 || q.length < hl + 8) {
        this.drop(null);
        return;
      }
      const src = ((q[12] << 24) | (q[13] << 16) | (q[14] << 8) | q[15]) >>> 0;
      const dst = ((q[16] << 24) | (q[17] << 16) | (q[18] << 8) | q[19]) >>> 0;
      this.handlers.get(q[9])?.icmpError?.(this.now, m.type, m.code, src, dst, q.subarray(hl));
      return;
    }
    this.handlers.get(1)?.input(this.now, ip.src, ip.dst, payload);
  }

  // ---- output helpers ----------------------------------------------------------------------------

  private sendIcmpError(type: number, code: number, to: Ipv4Addr, quote: Uint8Array): void {
    if (!this.cfg || !this.icmpLimit.take(this.now)) return;
    const r = this.send(1, this.cfg.addr, to, 8 + quote.length, (buf) => {
      emitIcmp({ type, code, rest: 0, data: quote }, buf);
    });
    if (r === 0) this.stats.icmpErrorsSent++;
  }

  /** Sends a framed datagram to `hop`'s MAC, resolving it first when unknown. */
  private emitFrame(nb: RkNetbuf, hop: Ipv4Addr | MacAddr): void {
    if (hop === ETH_BROADCAST) {
      this.out.transmit(nb, ETH_BROADCAST);
      return;
    }
    const mac = this.arp.lookup(hop, this.now);
    if (mac !== undefined) {
      this.out.transmit(nb, mac);
      return;
    }
    if (this.arp.hold(hop, nb, this.now)) this.requestArp(hop);
  }

  private requestArp(ip: Ipv4Addr): void {
    this.sendArp(ARP_REQUEST, ETH_BROADCAST, 0, ip);
  }

  private sendArp(op: number, dstMac: MacAddr, tha: MacAddr, tpa: Ipv4Addr): void {
    const f = this.out.frame();
    if (!f) return;
    const spa = this.cfg?.addr ?? 0;
    emitEthernetHeader({ dst: dstMac, src: this.mac, ethertype: ETHERTYPE_ARP }, f.bytes);
    emitArp({ op, sha: this.mac, spa, tha, tpa }, f.bytes.subarray(ETH_HEADER_LEN));
    this.out.finish(f.nb, f.bytes, ETH_HEADER_LEN + 28, ETHERTYPE_ARP);
    this.out.transmit(f.nb, dstMac);
  }

  private isBroadcast(a: Ipv4Addr): boolean {
    if (a === 0xffffffff) return true;
    const c = this.cfg;
    if (!c || c.prefixLen >= 31) return false;
    return (
      inSubnet(a, c.addr, c.prefixLen) &&
      (a & ~prefixMask(c.prefixLen)) >>> 0 === ~prefixMask(c.prefixLen) >>> 0
    );
  }
}
