// The TCP protocol handler (IP protocol 6): port bindings, listeners, the connection table, TIME-WAIT,
// RSTs for segments nobody wants, and the poll loop that runs timers and output. No clock reads:
// `now` (ms) arrives with every input/poll call, as the RkIpProtocolHandler seam asks.
import { Errno } from '@runikraft/errno';
import type { Ipv4Addr, RkIpLayer, RkIpProtocolHandler } from '../../ip';
import { RkWireError } from '../../wire/error';
import { parseTcp, TCP_ACK, TCP_RST, TCP_SYN, type TcpRepr } from '../../wire/tcp';
import { RK_TCP_DEFAULTS, type RkTcpConfig } from './config';
import { RkTcpConn, type RkTcpHost, type RkTcpSocketOptions } from './conn';
import { connInput, negotiateSyn } from './input';
import { RkTcpIsn } from './isn';
import { RkTcpListener } from './listener';
import { sendResetFor, sendTimeWaitAck, tcpOutput } from './output';
import type { RkTcpRingMemory } from './ring';
import { seqAdd } from './seq';
import { RkTcpTimeWaitTable, timeWaitInput } from './time-wait';
import { tcpTimers } from './timers';

/** A claim on a local port (bind()); owned by a socket, then by its listener or connection. */
export class RkTcpBinding {
  listening = false;
  released = false;
  constructor(
    readonly addr: Ipv4Addr,
    readonly port: number,
    readonly reuseAddr: boolean,
  ) {}
}

/** How an RkTcp is built. */
export interface RkTcpStackOptions {
  config?: Partial<RkTcpConfig>;
  /** Two random 32-bit words keying ISNs and timestamp offsets (RFC 6528). */
  secret: readonly [number, number];
  /** Socket buffer storage (guest RAM in a booted stack); null when memory ran out. Rings allocate
   * lazily and grow by doubling up to SO_SNDBUF/SO_RCVBUF. */
  allocBuffer?: (size: number) => Uint8Array | null;
  freeBuffer?: (b: Uint8Array) => void;
}

/** Counters (cumulative). */
export interface RkTcpStats {
  segmentsIn: number;
  badSegments: number;
  resetsSent: number;
  retransmits: number;
  activeOpens: number;
  passiveOpens: number;
  listenOverflows: number;
}

/** The TCP engine of one IP stack. */
export class RkTcp implements RkIpProtocolHandler, RkTcpHost {
  readonly proto = 6;
  readonly config: RkTcpConfig;
  /** Set by the interface: called when app-side work needs a poll (the network thread wakes). */
  onPollNeeded: (() => void) | null = null;
  readonly stats: RkTcpStats = {
    segmentsIn: 0,
    badSegments: 0,
    resetsSent: 0,
    retransmits: 0,
    activeOpens: 0,
    passiveOpens: 0,
    listenOverflows: 0,
  };
  readonly timeWait: RkTcpTimeWaitTable;
  /** Buffers handed out and not yet returned (leak checks). */
  buffersInUse = 0;
  /** Bytes of buffer storage handed out and not yet returned. */
  bufferBytes = 0;
  readonly ringMemory: RkTcpRingMemory;
  private readonly conns = new Map<number, Map<number, RkTcpConn>>();
  private readonly all = new Set<RkTcpConn>();
  private readonly dirty = new Set<RkTcpConn>();
  /** Connections with a timer armed: the only ones poll and pollAt look at besides `dirty`. */
  private readonly timed = new Set<RkTcpConn>();
  private readonly listeners = new Map<number, RkTcpListener[]>();
  private readonly bindings = new Map<number, RkTcpBinding[]>();
  private readonly connBinding = new Map<RkTcpConn, RkTcpBinding>();
  private readonly listenerBinding = new Map<RkTcpListener, RkTcpBinding>();
  private readonly isn: RkTcpIsn;
  private readonly alloc: (size: number) => Uint8Array | null;
  private readonly free: (b: Uint8Array) => void;
  private lastNow = 0;
  private portCursor: number;

  constructor(
    readonly ip: RkIpLayer,
    opts: RkTcpStackOptions,
  ) {
    this.config = { ...RK_TCP_DEFAULTS, ...opts.config };
    this.timeWait = new RkTcpTimeWaitTable(this.config.maxTimeWait);
    this.isn = new RkTcpIsn(opts.secret[0], opts.secret[1]);
    this.alloc = opts.allocBuffer ?? ((n) => new Uint8Array(n));
    this.free = opts.freeBuffer ?? (() => {});
    this.ringMemory = {
      alloc: (n) => {
        const b = this.alloc(n);
        if (b) {
          this.buffersInUse++;
          this.bufferBytes += b.length;
        }
        return b;
      },
      free: (b) => {
        this.buffersInUse--;
        this.bufferBytes -= b.length;
        this.free(b);
      },
    };
    this.portCursor = opts.secret[0] % (this.config.ephemeralHigh - this.config.ephemeralLow + 1);
  }

  /** Live connections (not TIME-WAIT records). */
  get connectionCount(): number {
    return this.all.size;
  }

  /** The live connections (diagnostics, invariant checks). */
  connections(): IterableIterator<RkTcpConn> {
    return this.all.values();
  }

  // ---------------------------------------------------------------- bindings

  /**
   * Claims local port `port` (0: an ephemeral one) on `addr` (0: any).
   * @returns the binding, -EADDRINUSE, or -EADDRNOTAVAIL (no ephemeral port left).
   */
  bind(addr: Ipv4Addr, port: number, reuseAddr = false): RkTcpBinding | number {
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) return -Errno.EINVAL;
    if (port === 0) {
      const p = this.findPort((q) => !this.portBusy(q));
      if (p === 0) return -Errno.EADDRNOTAVAIL;
      port = p;
    } else if (this.bindConflict(addr, port, reuseAddr)) return -Errno.EADDRINUSE;
    const b = new RkTcpBinding(addr, port, reuseAddr);
    const list = this.bindings.get(port) ?? [];
    list.push(b);
    this.bindings.set(port, list);
    return b;
  }

  /** Releases a binding (idempotent). */
  unbind(b: RkTcpBinding): void {
    if (b.released) return;
    b.released = true;
    const list = this.bindings.get(b.port);
    if (!list) return;
    const i = list.indexOf(b);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.bindings.delete(b.port);
  }

  private bindConflict(addr: number, port: number, reuse: boolean): boolean {
    for (const e of this.bindings.get(port) ?? [])
      if (
        (e.addr === 0 || addr === 0 || e.addr === addr) &&
        !(reuse && e.reuseAddr && !e.listening)
      )
        return true;
    if (reuse) return false;
    return (this.conns.get(port)?.size ?? 0) > 0 || this.timeWait.usesPort(port);
  }

  private portBusy(p: number): boolean {
    return this.bindings.has(p) || (this.conns.get(p)?.size ?? 0) > 0 || this.timeWait.usesPort(p);
  }

  private findPort(ok: (p: number) => boolean): number {
    const lo = this.config.ephemeralLow;
    const span = this.config.ephemeralHigh - lo + 1;
    for (let i = 0; i < span; i++) {
      this.portCursor = (this.portCursor + 1) % span;
      if (ok(lo + this.portCursor)) return lo + this.portCursor;
    }
    return 0;
  }

  // ---------------------------------------------------------------- opens

  /** listen(): `binding` becomes a listener. @returns it, or -EINVAL for a released binding. */
  listen(b: RkTcpBinding, backlog: number, opts: RkTcpSocketOptions = {}): RkTcpListener | number {
    if (b.released) return -Errno.EINVAL;
    for (const e of this.bindings.get(b.port) ?? [])
      if (e !== b && e.listening && (e.addr === 0 || b.addr === 0 || e.addr === b.addr))
        return -Errno.EADDRINUSE;
    b.listening = true;
    const l = new RkTcpListener(b.addr, b.port, Math.max(1, backlog), opts);
    const list = this.listeners.get(b.port) ?? [];
    list.push(l);
    this.listeners.set(b.port, list);
    this.listenerBinding.set(l, b);
    return l;
  }

  /** Closes a listener: queued children are reset, the port is released. */
  closeListener(l: RkTcpListener): void {
    if (l.closed) return;
    l.closed = true;
    for (const c of [...l.synQueue, ...l.acceptQueue]) c.abort();
    l.synQueue.clear();
    l.acceptQueue.length = 0;
    const list = this.listeners.get(l.localPort) ?? [];
    list.splice(list.indexOf(l), 1);
    if (list.length === 0) this.listeners.delete(l.localPort);
    const b = this.listenerBinding.get(l);
    if (b) this.unbind(b);
    this.listenerBinding.delete(l);
    l.onEvent?.(l);
  }

  /**
   * Active open to `ra`:`rp` from `b` (null: an ephemeral port on the route's source address). The SYN
   * leaves at the next poll. @returns the connection, -ENETUNREACH, -EADDRNOTAVAIL, -EADDRINUSE.
   */
  connect(
    b: RkTcpBinding | null,
    ra: Ipv4Addr,
    rp: number,
    opts: RkTcpSocketOptions = {},
  ): RkTcpConn | number {
    if (rp <= 0 || rp > 0xffff) return -Errno.EINVAL;
    const route = this.ip.route(ra);
    if (!route) return -Errno.ENETUNREACH;
    const la = b && b.addr !== 0 ? b.addr : route.src;
    let binding = b;
    if (!binding) {
      const p = this.findPort(
        (q) =>
          !this.bindings.has(q) && !this.lookup(la, q, ra, rp) && !this.timeWait.get(la, q, ra, rp),
      );
      if (p === 0) return -Errno.EADDRNOTAVAIL;
      binding = this.bind(la, p, false) as RkTcpBinding;
    }
    const lp = binding.port;
    if (this.lookup(la, lp, ra, rp)) return -Errno.EADDRINUSE;
    const tw = this.timeWait.get(la, lp, ra, rp);
    if (tw) {
      // Reusing a TIME-WAIT tuple is safe when timestamps were on (RFC 6191; Linux tcp_tw_reuse).
      if (!tw.tsEnabled) return -Errno.EADDRNOTAVAIL;
      this.timeWait.delete(tw);
    }
    const c = this.newConn(la, lp, ra, rp, route.mtu, opts);
    c.state = 'SYN_SENT';
    this.connBinding.set(c, binding);
    this.stats.activeOpens++;
    this.register(c);
    this.markDirty(c);
    return c;
  }

  private newConn(
    la: number,
    lp: number,
    ra: number,
    rp: number,
    mtu: number,
    opts: RkTcpSocketOptions,
    isnFloor?: number,
  ): RkTcpConn {
    const c = new RkTcpConn(this, la, lp, ra, rp, opts);
    c.advMss = Math.max(64, Math.min(0xffff, mtu - 40));
    c.mss = Math.min(c.advMss, 536);
    let iss = this.isn.isn(this.lastNow, la, lp, ra, rp);
    if (isnFloor !== undefined) iss = seqAdd(isnFloor, (iss & 0xffff) + 1);
    c.iss = c.sndUna = c.sndNxt = c.sndMax = c.sndSml = c.rtxFrom = c.highRxt = iss;
    c.tsOffset = this.isn.tsOffset(la, lp, ra, rp);
    return c;
  }

  /**
   * What the end of the application does (a process exit on Linux): every listener closes and every
   * connection the application still holds closes as close() would (FIN after the queued data, RST
   * with unread data). Connections then finish in the background; see {@link drained}.
   */
  closeAll(): void {
    for (const list of [...this.listeners.values()])
      for (const l of [...list]) this.closeListener(l);
    for (const c of [...this.all]) if (!c.appClosed) c.close();
  }

  /** True when every connection has delivered what was queued and its FIN (or is gone). */
  get drained(): boolean {
    for (const c of this.all) if (!c.sendDone) return false;
    return true;
  }

  // ---------------------------------------------------------------- RkTcpHost

  markDirty(c: RkTcpConn): void {
    this.dirty.add(c);
    this.onPollNeeded?.();
  }

  acceptRoom(c: RkTcpConn): boolean {
    const l = c.parent as RkTcpListener | null;
    return !l || l.acceptQueue.length < l.backlog;
  }

  established(c: RkTcpConn): void {
    const l = c.parent as RkTcpListener | null;
    if (l) {
      l.synQueue.delete(c);
      c.parent = null;
      l.acceptQueue.push(c);
      l.onEvent?.(l);
    }
    c.onEvent?.(c);
  }

  enterTimeWait(c: RkTcpConn, now: number): void {
    this.timeWait.put({
      localAddr: c.localAddr,
      localPort: c.localPort,
      remoteAddr: c.remoteAddr,
      remotePort: c.remotePort,
      sndNxt: c.sndMax,
      rcvNxt: c.rcvNxt,
      tsEnabled: c.tsEnabled,
      tsRecent: c.tsRecent,
      tsOffset: c.tsOffset,
      expiresAt: now + 2 * this.config.msl,
    });
    c.release('TIME_WAIT');
  }

  closed(c: RkTcpConn): void {
    const m = this.conns.get(c.localPort);
    const k = c.remoteAddr * 0x10000 + c.remotePort;
    if (m?.get(k) === c) {
      m.delete(k);
      if (m.size === 0) this.conns.delete(c.localPort);
    }
    this.all.delete(c);
    this.dirty.delete(c);
    this.timed.delete(c);
    const l = c.parent as RkTcpListener | null;
    if (l) {
      l.synQueue.delete(c);
      const i = l.acceptQueue.indexOf(c);
      if (i >= 0) l.acceptQueue.splice(i, 1);
    }
    const b = this.connBinding.get(c);
    if (b) this.unbind(b);
    this.connBinding.delete(c);
  }

  countRetransmit(): void {
    this.stats.retransmits++;
  }

  private register(c: RkTcpConn): void {
    let m = this.conns.get(c.localPort);
    if (!m) this.conns.set(c.localPort, (m = new Map()));
    m.set(c.remoteAddr * 0x10000 + c.remotePort, c);
    this.all.add(c);
  }

  private lookup(la: number, lp: number, ra: number, rp: number): RkTcpConn | undefined {
    const c = this.conns.get(lp)?.get(ra * 0x10000 + rp);
    return c && c.localAddr === la ? c : undefined;
  }

  // ---------------------------------------------------------------- RkIpProtocolHandler

  /** One segment from `src` to `dst`. @returns false when no socket took it (a RST was sent). */
  input(now: number, src: Ipv4Addr, dst: Ipv4Addr, payload: Uint8Array): boolean {
    this.lastNow = now;
    this.stats.segmentsIn++;
    const seg = parseTcp(payload, src, dst);
    if (seg instanceof RkWireError || seg.srcPort === 0 || seg.dstPort === 0) {
      this.stats.badSegments++;
      return true;
    }
    const c = this.lookup(dst, seg.dstPort, src, seg.srcPort);
    if (c) {
      connInput(c, now, seg);
      tcpOutput(c, now);
      this.track(c);
      return true;
    }
    let isnFloor: number | undefined;
    const tw = this.timeWait.get(dst, seg.dstPort, src, seg.srcPort);
    if (tw) {
      const v = timeWaitInput(tw, seg);
      if (v === 'drop') return true;
      if (v === 'ack') {
        sendTimeWaitAck(this.ip, now, tw);
        if (seg.payload.length > 0 || seg.flags & 1) {
          tw.expiresAt = now + 2 * this.config.msl;
          this.timeWait.put(tw);
        }
        return true;
      }
      this.timeWait.delete(tw);
      isnFloor = seqAdd(tw.sndNxt, 0x10000);
    }
    const l = this.findListener(dst, seg.dstPort);
    if (l) {
      this.listenInput(l, now, src, dst, seg, isnFloor);
      return true;
    }
    if (!(seg.flags & TCP_RST)) this.stats.resetsSent++;
    sendResetFor(this.ip, dst, src, seg);
    return false;
  }

  private findListener(addr: number, port: number): RkTcpListener | undefined {
    const list = this.listeners.get(port);
    if (!list) return undefined;
    return list.find((l) => l.localAddr === addr) ?? list.find((l) => l.localAddr === 0);
  }

  /** RFC 9293 §3.10.7.2: a SYN makes a child in SYN-RECEIVED; an ACK is reset; a RST ignored. */
  private listenInput(
    l: RkTcpListener,
    now: number,
    src: number,
    dst: number,
    seg: TcpRepr,
    isnFloor?: number,
  ): void {
    const f = seg.flags;
    if (f & TCP_RST) return;
    if (f & TCP_ACK) {
      this.stats.resetsSent++;
      sendResetFor(this.ip, dst, src, seg);
      return;
    }
    if (!(f & TCP_SYN)) return;
    if (l.synQueue.size >= this.config.synBacklog || l.acceptQueue.length >= l.backlog) {
      l.overflows++;
      this.stats.listenOverflows++;
      return; // the peer retransmits its SYN
    }
    const route = this.ip.route(src);
    const c = this.newConn(
      dst,
      l.localPort,
      src,
      seg.srcPort,
      route?.mtu ?? 576,
      l.options,
      isnFloor,
    );
    if (!c) {
      l.overflows++;
      return;
    }
    c.parent = l;
    c.state = 'SYN_RECEIVED';
    negotiateSyn(c, seg, now);
    c.sndWnd = seg.window;
    c.maxSndWnd = seg.window;
    l.synQueue.add(c);
    this.stats.passiveOpens++;
    this.register(c);
    tcpOutput(c, now);
    this.track(c);
  }

  /** ICMP errors about our segments (RFC 1122 §4.2.3.9): hard errors abort a connect in progress. */
  icmpError(
    _now: number,
    type: number,
    code: number,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    quoted: Uint8Array,
  ): void {
    if (quoted.length < 8) return;
    const sp = (quoted[0]! << 8) | quoted[1]!;
    const dp = (quoted[2]! << 8) | quoted[3]!;
    const c = this.lookup(src, sp, dst, dp);
    if (!c || type !== 3) return;
    const hard = code === 2 || code === 3; // protocol / port unreachable
    if (c.state === 'SYN_SENT' && hard) c.fail(Errno.ECONNREFUSED);
    else if (c.state === 'SYN_SENT' && (code === 0 || code === 1) && c.retries >= 2)
      c.fail(code === 0 ? Errno.ENETUNREACH : Errno.EHOSTUNREACH);
  }

  /** Keeps `timed` exact for `c` after anything that may have armed or cleared its timers. */
  private track(c: RkTcpConn): void {
    if (!c.isReleased && c.nextTimer() < Number.POSITIVE_INFINITY) this.timed.add(c);
    else this.timed.delete(c);
  }

  /**
   * Runs due timers and sends what is owed. Visits only connections with work queued or a timer
   * armed, so idle connections cost nothing per poll.
   */
  poll(now: number, _ip: RkIpLayer): void {
    this.lastNow = now;
    this.timeWait.expire(now);
    const work = new Set(this.dirty);
    this.dirty.clear();
    for (const c of this.timed) if (c.nextTimer() <= now) work.add(c);
    for (const c of work) {
      if (c.nextTimer() <= now) tcpTimers(c, now);
      tcpOutput(c, now);
      this.track(c);
    }
  }

  /** The next time poll has work: now when output is pending, else the earliest armed timer. */
  pollAt(now: number): number {
    if (this.dirty.size > 0) return now;
    let t = this.timeWait.nextExpiry();
    for (const c of this.timed) t = Math.min(t, c.nextTimer());
    return t;
  }
}
