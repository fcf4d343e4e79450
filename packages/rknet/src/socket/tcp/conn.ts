// One TCP connection (RFC 9293 §3.3.1 TCB): its state, buffers and timers, and the non-blocking
// operations an application performs on it. Segment arrival is in input.ts, transmission in
// output.ts, timers in timers.ts; the stack (stack.ts) owns the demultiplexing tables.
import { Errno } from '@runikraft/errno';
import type { RkIpLayer } from '../../ip';
import { RkTcpAssembler } from './assembler';
import type { RkTcpConfig } from './config';
import { RkTcpNewReno } from './congestion';
import { RkTcpRing, type RkTcpRingMemory } from './ring';
import { RkTcpRtt } from './rtt';
import { seqAdd, seqSub } from './seq';

/** RFC 9293 §3.3.2 connection states. */
export type RkTcpState =
  | 'CLOSED'
  | 'SYN_SENT'
  | 'SYN_RECEIVED'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT';

/** Per-socket options (setsockopt); absent fields take the stack's defaults. */
export interface RkTcpSocketOptions {
  noDelay?: boolean;
  keepAlive?: boolean;
  keepIdle?: number;
  keepIntvl?: number;
  keepCnt?: number;
  sendBuffer?: number;
  recvBuffer?: number;
}

/** What a connection needs from the stack that owns it. */
export interface RkTcpHost {
  readonly config: RkTcpConfig;
  readonly ip: RkIpLayer;
  /** Work is due outside input processing (the app queued data or closed). */
  markDirty(c: RkTcpConn): void;
  /** False when the listener of child `c` has no accept-queue room (the handshake waits). */
  acceptRoom(c: RkTcpConn): boolean;
  /** The handshake completed (a listener child moves to its accept queue). */
  established(c: RkTcpConn): void;
  /** The connection entered TIME_WAIT: record it and drop the full TCB. */
  enterTimeWait(c: RkTcpConn, now: number): void;
  /** The connection is gone: unlink it. */
  closed(c: RkTcpConn): void;
  /** Where the connection's ring storage comes from (allocated lazily, grown on demand). */
  readonly ringMemory: RkTcpRingMemory;
  /** Segments retransmitted (statistics). */
  countRetransmit(): void;
}

/** A TCP connection. Methods never block; they return byte counts or -errno. */
export class RkTcpConn {
  state: RkTcpState = 'CLOSED';
  /** A listener child not yet accepted (for backlog accounting), or null. */
  parent: object | null = null;
  /** Called when readiness may have changed (readable, writable, connected, error). */
  onEvent: ((c: RkTcpConn) => void) | null = null;

  // --- send sequence space (RFC 9293 §3.3.1) ---
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  /** Highest sequence number sent + 1 (SND.NXT may rewind on a timeout; this never does). */
  sndMax = 0;
  sndWnd = 0;
  maxSndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  sndWscale = 0;
  /** MSS for segments we send (peer's MSS option bounded by our path MTU). */
  mss = 536;
  /** MSS we announce (path MTU - 40). */
  advMss = 1460;
  /** End of the last sub-MSS segment sent (Minshall's Nagle: hold small data only behind it). */
  sndSml = 0;
  finQueued = false;
  /** The FIN's sequence number once queued. */
  finSeq = 0;

  // --- receive sequence space ---
  irs = 0;
  rcvNxt = 0;
  rcvWscale = 0;
  /** Right edge of the window last advertised (never moved left). */
  rcvAdvEnd = 0;
  /** RCV.NXT in the last ACK sent (RFC 7323 §4.3 TS.Recent update rule). */
  lastAckSent = 0;
  /** A FIN arrived beyond a hole at this sequence number (processed when RCV.NXT reaches it). */
  finRcvSeq: number | null = null;
  finReceived = false;

  // --- options negotiated (RFC 7323, RFC 2018) ---
  tsEnabled = false;
  tsRecent = 0;
  tsOffset = 0;
  sackEnabled = false;
  /** The peer's SYN offered window scaling (a SYN-ACK answers in kind). */
  wsOk = false;
  /** SACKed ranges above SND.UNA (sender scoreboard). */
  readonly sacked = new RkTcpAssembler();
  /** Highest sequence retransmitted during the current recovery (RFC 6675 HighRxt). */
  highRxt = 0;
  /** Where the next hole retransmission starts looking (SND.UNA, or past HighRxt with SACK). */
  rtxFrom = 0;

  readonly rtt: RkTcpRtt;
  readonly cc: RkTcpNewReno;
  /** A Karn-safe timing of one segment when timestamps are off: [seq, sentAt]. */
  rttSeq: number | null = null;
  rttTime = 0;
  retries = 0;

  // --- timers: absolute ms, Infinity when off ---
  rtxAt = Number.POSITIVE_INFINITY;
  delackAt = Number.POSITIVE_INFINITY;
  persistAt = Number.POSITIVE_INFINITY;
  persistBackoff = 0;
  keepAt = Number.POSITIVE_INFINITY;
  keepProbes = 0;
  finWait2At = Number.POSITIVE_INFINITY;

  // --- what output owes the peer ---
  ackNow = false;
  /** In-order segments received and not yet ACKed (ACK at least every second one, RFC 5681 §4.2). */
  ackPending = 0;
  /** Retransmit one segment from SND.UNA at the next output. */
  rtxNow = false;
  /** The peer's window is 0 and a probe is due. */
  probeNow = false;
  /** Emit a RST (abort) at the next output. */
  rstNow = false;

  // --- application side ---
  readonly sendBuf: RkTcpRing;
  readonly recvBuf: RkTcpRing;
  readonly rcvOoo = new RkTcpAssembler();
  /** Positive errno once the connection failed (ECONNRESET, ECONNREFUSED, ETIMEDOUT...). */
  error = 0;
  /** The application called close(): no more reads; data that still arrives resets (RFC 9293 §3.10.4). */
  appClosed = false;
  /** shutdown(SHUT_RD) was called. */
  readShut = false;
  noDelay = false;
  keepAlive = false;
  keepIdle: number;
  keepIntvl: number;
  keepCnt: number;
  private released = false;
  private recvFreed = false;

  constructor(
    readonly host: RkTcpHost,
    readonly localAddr: number,
    readonly localPort: number,
    readonly remoteAddr: number,
    readonly remotePort: number,
    opts: RkTcpSocketOptions,
  ) {
    const cfg = host.config;
    const recvCap = opts.recvBuffer ?? cfg.recvBuffer;
    this.sendBuf = new RkTcpRing(opts.sendBuffer ?? cfg.sendBuffer, host.ringMemory);
    this.recvBuf = new RkTcpRing(recvCap, host.ringMemory);
    this.rtt = new RkTcpRtt(cfg.initialRto, cfg.minRto, cfg.maxRto);
    this.cc = new RkTcpNewReno(this.mss);
    this.noDelay = opts.noDelay ?? false;
    this.keepAlive = opts.keepAlive ?? false;
    this.keepIdle = opts.keepIdle ?? cfg.keepIdle;
    this.keepIntvl = opts.keepIntvl ?? cfg.keepIntvl;
    this.keepCnt = opts.keepCnt ?? cfg.keepCnt;
    let ws = 0;
    while (cfg.windowScaling && ws < 14 && recvCap >> ws > 0xffff) ws++;
    this.rcvWscale = ws;
  }

  /** Bytes sent and not yet acknowledged, SYN and FIN included. */
  get flight(): number {
    return seqSub(this.sndMax, this.sndUna);
  }

  /** Sequence number of the first byte in the send buffer. */
  get sndBufSeq(): number {
    return this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED'
      ? seqAdd(this.iss, 1)
      : this.sndUna;
  }

  /** True once the handshake completed and until the connection is gone. */
  get synchronized(): boolean {
    return this.state !== 'CLOSED' && this.state !== 'SYN_SENT' && this.state !== 'SYN_RECEIVED';
  }

  /** Bytes the application can read now. */
  get readable(): number {
    return this.recvBuf.length;
  }

  /** True when recv() would not return -EAGAIN (data, end of stream or an error). */
  get readReady(): boolean {
    return this.recvBuf.length > 0 || this.finReceived || this.error !== 0 || this.readShut;
  }

  /** True when send() would not return -EAGAIN. */
  get writeReady(): boolean {
    if (this.error !== 0 || this.finQueued) return true;
    if (!this.synchronized) return false;
    const b = this.sendBuf;
    return b.free > 0 && !(b.starved && b.length > 0);
  }

  /**
   * Queues bytes for transmission (copied into the send buffer).
   * @returns bytes taken (> 0), -EAGAIN (buffer full or handshake pending), -EPIPE (write side
   * shut), -ENOTCONN (never connected), or the connection's error (-ECONNRESET, -ETIMEDOUT...).
   */
  send(data: Uint8Array): number {
    if (this.error !== 0) return -this.error;
    if (this.finQueued || this.appClosed) return -Errno.EPIPE;
    if (this.state === 'CLOSED') return -Errno.ENOTCONN;
    if (this.state === 'CLOSE_WAIT' || this.synchronized) {
      if (data.length === 0) return 0;
      const n = this.sendBuf.write(data);
      // Out of memory with data in flight is backpressure (ACKs free room); with nothing queued it
      // is an error, since nothing would free memory for this connection.
      if (n === 0)
        return this.sendBuf.starved && this.sendBuf.length === 0 ? -Errno.ENOMEM : -Errno.EAGAIN;
      this.host.markDirty(this);
      return n;
    }
    return -Errno.EAGAIN;
  }

  /**
   * Copies received bytes into `dst` and opens the window by as much.
   * @returns bytes (> 0), 0 at end of stream, -EAGAIN when nothing is there yet, or -errno.
   */
  recv(dst: Uint8Array): number {
    if (this.recvBuf.length === 0) {
      if (this.error !== 0) return -this.error;
      if (this.finReceived || this.readShut) return 0;
      if (this.state === 'CLOSED') return -Errno.ENOTCONN;
      return -Errno.EAGAIN;
    }
    const n = this.recvBuf.read(dst);
    if (this.released) this.freeRecvIfDone();
    else this.windowOpened();
    return n;
  }

  /** Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): update the peer when the window grew enough. */
  private windowOpened(): void {
    if (!this.synchronized || this.finReceived) return;
    const free = this.recvBuf.free;
    const advertised = seqSub(this.rcvAdvEnd, this.rcvNxt);
    const step = Math.min(this.mss, this.recvBuf.capacity >> 1);
    if (free - Math.max(0, advertised) >= step) {
      this.ackNow = true;
      this.host.markDirty(this);
    }
  }

  /** shutdown(SHUT_WR): queue a FIN after the data. @returns 0 or -ENOTCONN. */
  shutdownWrite(): number {
    if (this.state === 'CLOSED' || this.state === 'SYN_SENT') {
      this.release('CLOSED');
      return this.state === 'CLOSED' ? 0 : -Errno.ENOTCONN;
    }
    if (this.finQueued) return 0;
    this.finQueued = true;
    this.finSeq = seqAdd(this.sndBufSeq, this.sendBuf.length);
    if (this.state === 'ESTABLISHED' || this.state === 'SYN_RECEIVED') this.state = 'FIN_WAIT_1';
    else if (this.state === 'CLOSE_WAIT') this.state = 'LAST_ACK';
    this.host.markDirty(this);
    return 0;
  }

  /** shutdown(SHUT_RD): later reads return 0; data still arriving is dropped silently. */
  shutdownRead(): void {
    this.readShut = true;
    this.recvBuf.consume(this.recvBuf.length);
    this.onEvent?.(this);
  }

  /**
   * close(): graceful (FIN after the queued data) unless unread data remains, which aborts with a
   * RST as RFC 9293 §3.10.4 and RFC 2525 §2.17 ask, so the peer learns its data was not consumed.
   */
  close(): void {
    if (this.appClosed) return;
    this.appClosed = true;
    this.onEvent = null;
    this.freeRecvIfDone();
    if (this.recvBuf.length > 0 && this.synchronized) {
      this.abort();
      return;
    }
    if (this.state === 'SYN_SENT' || this.state === 'CLOSED') {
      this.release('CLOSED');
      return;
    }
    this.shutdownWrite();
    this.host.markDirty(this); // arms the orphan FIN-WAIT-2 timer if the FIN is already acknowledged
  }

  /** Abortive close (SO_LINGER 0): a RST now, buffers dropped. */
  abort(): void {
    if (this.state === 'CLOSED') return;
    if (this.state !== 'SYN_SENT' && this.state !== 'TIME_WAIT') {
      this.rstNow = true;
      this.host.markDirty(this);
      this.state = 'CLOSED';
      return;
    }
    this.release('CLOSED');
  }

  /** The connection failed with `errno`: wake everyone, drop to CLOSED. */
  fail(errno: number): void {
    this.error = errno;
    this.release('CLOSED');
  }

  /** Leaves the demux tables and returns the buffers (idempotent). */
  release(state: RkTcpState): void {
    this.state = state;
    this.rtxAt =
      this.delackAt =
      this.persistAt =
      this.keepAt =
      this.finWait2At =
        Number.POSITIVE_INFINITY;
    if (!this.released) {
      this.released = true;
      this.host.closed(this);
      this.sendBuf.release();
    }
    this.freeRecvIfDone();
    this.onEvent?.(this);
  }

  /** Unread data stays readable after the connection ends; its storage goes once drained or closed. */
  private freeRecvIfDone(): void {
    if (!this.released || this.recvFreed) return;
    if (this.recvBuf.length > 0 && !this.appClosed) return;
    this.recvFreed = true;
    this.recvBuf.release();
  }

  /**
   * Everything queued for the peer, FIN included, is acknowledged (or the connection is gone):
   * what a lingering close() and the stack's drain at shutdown wait for.
   */
  get sendDone(): boolean {
    return this.released || (this.finQueued && this.sndUna === seqAdd(this.finSeq, 1));
  }

  /** True once release() ran. */
  get isReleased(): boolean {
    return this.released;
  }

  /** The earliest timer, for pollAt. */
  nextTimer(): number {
    return Math.min(this.rtxAt, this.delackAt, this.persistAt, this.keepAt, this.finWait2At);
  }
}
