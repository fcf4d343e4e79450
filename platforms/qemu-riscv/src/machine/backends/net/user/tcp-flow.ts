// One NATed TCP connection: slirp's endpoint facing the guest (RFC 9293 handshake, sequence and
// acknowledgement, windows, retransmission, FIN/RST) relayed to a host `net.Socket`.
// Flow control both ways: host bytes wait in `data` (bounded: the socket pauses at SND_BUF_LIMIT)
// until the guest's window admits them; guest bytes go to the socket only within the window we
// advertise, which shrinks by what the socket has not yet passed to the kernel.
import type { Socket } from 'node:net';
import { ByteQueue } from './byte-queue';
import { tcpIsn } from './tcp-isn';
import { ACK, FIN, PSH, RST, SYN, seqAdd, seqDiff, type TcpSegment } from './tcp-wire';

/** Our MSS (Ethernet MTU 1500 − 40), as QEMU's slirp announces. */
export const SLIRP_MSS = 1460;
/** Receive window: 16 bits, no window scaling (QEMU 7.2's slirp offers none either). */
export const RCV_WND = 65535;
/** Host bytes held for the guest before the host socket is paused. */
export const SND_BUF_LIMIT = 128 * 1024;
const RTO_INITIAL = 1000;
const RTO_MIN = 200;
const RTO_MAX = 60_000;
const MAX_RETRIES = 12;
/** A host connect the guest's SYN started gives up after this long (ICMP host unreachable). */
export const CONNECT_TIMEOUT = 30_000;

/** The segment fields a flow chooses; ports and addresses come from the flow. */
export interface FlowSegment {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly mss?: number;
  readonly payload?: Uint8Array;
  /** Or the payload as bytes [dataOff, dataOff + dataLen) of a queue (copied into the frame). */
  readonly data?: ByteQueue;
  readonly dataOff?: number;
  readonly dataLen?: number;
}

/** What a flow needs from the NAT. */
export interface TcpFlowLink {
  emit(flow: TcpFlow, s: FlowSegment): void;
  /** False while frames to the guest pile up in the NIC queue (the flow waits for `kick`). */
  guestReady(): boolean;
  /** An outbound connect failed for a reason other than a refusal: ICMP host unreachable. */
  unreachable(flow: TcpFlow): void;
  closed(flow: TcpFlow): void;
  /**
   * Corks `sock` until the NIC's batch of guest frames ends, then calls `uncorked`. @returns false
   * outside a batch (nothing done).
   */
  corkForBatch(sock: Socket, uncorked: () => void): boolean;
}

type State = 'connecting' | 'syn-sent' | 'syn-rcvd' | 'open' | 'closed';

export class TcpFlow {
  state: State;
  sock: Socket | null = null;
  private readonly iss: number;
  private sndUna: number;
  private sndNxt: number;
  private sndMax: number;
  private sndWnd = 0;
  private sndMss = 536;
  /** Host bytes from sndUna on: sent-but-unacknowledged, then unsent. */
  private readonly data = new ByteQueue();
  /** Writes to the socket are held (corked) until the NIC's batch ends. */
  private corked = false;
  /** Releases the virtual-clock hold of a host connect in progress. */
  private connectHold: () => void = () => {};
  private hostEof = false;
  private finSent = false;
  private finAcked = false;
  private rcvNxt = 0;
  private guestFin = false;
  private lastWnd = RCV_WND;
  private paused = false;
  private timer: NodeJS.Timeout | null = null;
  private ackPending: NodeJS.Immediate | null = null;
  private rto = RTO_INITIAL;
  private retries = 0;
  private dupAcks = 0;
  /** Guest segments beyond a hole, waiting for it to fill. */
  private readonly ooo: { seq: number; data: Buffer; fin: boolean }[] = [];
  private oooBytes = 0;
  /** NewReno (RFC 6582): sndMax when fast retransmit began; partial ACKs below it resend the next hole. */
  private recover: number | null = null;
  /** RFC 6298 estimator over one timed segment at a time (Karn: none while retransmitting). */
  private srtt = 0;
  private rttvar = 0;
  private rttSeq: number | null = null;
  private rttStart = 0;
  /** Largest number of host bytes this flow held at once (flow-control tests read it). */
  maxBuffered = 0;
  /** Times our advertised window was 0. */
  zeroWindows = 0;

  constructor(
    private readonly link: TcpFlowLink,
    readonly guestIp: number,
    readonly guestPort: number,
    readonly peerIp: number,
    readonly peerPort: number,
    initial: 'connecting' | 'syn-sent',
  ) {
    this.state = initial;
    this.iss = tcpIsn(guestIp, guestPort, peerIp, peerPort);
    this.sndUna = this.sndNxt = this.sndMax = this.iss;
  }

  /**
   * Guest SYN for an outbound connection: remember it while the host socket connects. `held`
   * releases the virtual clock the connect holds (the guest sees no time pass until its SYN-ACK).
   */
  guestSyn(seg: TcpSegment, sock: Socket, held: () => void = () => {}): void {
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.sndWnd = seg.window;
    this.sndMss = Math.min(seg.mss ?? 536, SLIRP_MSS);
    this.connectHold = held;
    this.adopt(sock);
    sock.once('connect', () => {
      this.releaseConnectHold();
      if (this.state !== 'connecting') return;
      this.state = 'syn-rcvd';
      this.sendSyn();
    });
    this.arm(CONNECT_TIMEOUT);
  }

  /** hostfwd: an accepted host socket becomes a SYN into the guest. */
  hostAccepted(sock: Socket): void {
    this.adopt(sock);
    sock.pause();
    this.paused = true;
    this.sendSyn();
  }

  /** Ends the virtual-clock hold of a connect in progress (also when the NAT closes). */
  releaseConnectHold(): void {
    this.connectHold();
    this.connectHold = () => {};
  }

  /** Host bytes and guest bytes held right now. */
  get buffered(): { toGuest: number; toHost: number } {
    return { toGuest: this.data.length, toHost: this.sock?.writableLength ?? 0 };
  }

  private adopt(sock: Socket): void {
    this.sock = sock;
    sock.on('data', (d: Buffer) => this.hostData(d));
    sock.on('end', () => {
      this.hostEof = true;
      this.output();
    });
    sock.on('drain', () => {
      if (this.lastWnd < RCV_WND / 2 && this.state === 'open') this.sendAck();
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (this.state === 'connecting') {
        if (e.code === 'ECONNREFUSED') this.reset(0, true);
        else this.link.unreachable(this);
        this.finish();
      }
    });
    sock.on('close', (hadError: boolean) => {
      if (this.state === 'closed') return;
      if (hadError || !this.hostEof) {
        this.reset(this.sndNxt, true);
        this.finish();
      }
      // else both directions ended cleanly: the flow ends once the guest has everything (maybeDone)
    });
  }

  private hostData(d: Buffer): void {
    this.data.push(d);
    if (this.data.length > this.maxBuffered) this.maxBuffered = this.data.length;
    if (this.data.length >= SND_BUF_LIMIT && !this.paused) {
      this.paused = true;
      this.sock?.pause();
    }
    this.output();
  }

  private window(): number {
    const w = Math.max(0, RCV_WND - (this.sock?.writableLength ?? RCV_WND));
    if (w === 0 && this.lastWnd !== 0) this.zeroWindows++;
    this.lastWnd = w;
    return w;
  }

  private emit(seq: number, flags: number, payload?: Uint8Array, mss?: number): void {
    if (this.ackPending) {
      clearImmediate(this.ackPending);
      this.ackPending = null;
    }
    const ack = flags & ACK ? this.rcvNxt : 0;
    this.link.emit(this, { seq, ack, flags, window: this.window(), mss, payload });
  }

  /** Sends queued host bytes [off, off + n) (off from sndUna) at `seq`. */
  private emitData(seq: number, flags: number, off: number, n: number): void {
    if (this.ackPending) {
      clearImmediate(this.ackPending);
      this.ackPending = null;
    }
    const window = this.window();
    this.link.emit(this, {
      seq,
      ack: this.rcvNxt,
      flags,
      window,
      data: this.data,
      dataOff: off,
      dataLen: n,
    });
  }

  private sendSyn(): void {
    this.sndNxt = this.sndMax = seqAdd(this.iss, 1);
    this.emit(this.iss, this.state === 'syn-rcvd' ? SYN | ACK : SYN, undefined, SLIRP_MSS);
    this.arm(this.rto);
  }

  private sendAck(): void {
    this.emit(this.sndNxt, ACK);
  }

  /** RST to the guest (`withAck`: RST|ACK acknowledging everything received). */
  private reset(seq: number, withAck: boolean): void {
    this.emit(seq, withAck ? RST | ACK : RST);
  }

  /** A segment from the guest for this flow. */
  input(seg: TcpSegment): void {
    if (seg.flags & RST) {
      if (this.state === 'syn-sent' ? seg.ack === seqAdd(this.iss, 1) : this.inWindow(seg.seq)) {
        this.sock?.resetAndDestroy();
        this.finish();
      }
      return;
    }
    switch (this.state) {
      case 'connecting':
      case 'closed':
        return; // the SYN-ACK follows the host connect; retransmitted SYNs wait for it
      case 'syn-sent':
        if ((seg.flags & (SYN | ACK)) !== (SYN | ACK)) return;
        if (seg.ack !== seqAdd(this.iss, 1)) {
          this.emit(seg.ack, RST);
          return;
        }
        this.rcvNxt = seqAdd(seg.seq, 1);
        this.sndMss = Math.min(seg.mss ?? 536, SLIRP_MSS);
        this.established(seg);
        this.sendAck();
        this.sock?.resume();
        this.paused = false;
        this.output();
        return;
      case 'syn-rcvd':
        if (seg.flags & SYN) {
          if (seqAdd(seg.seq, 1) === this.rcvNxt) this.sendSyn();
          return;
        }
        if (!(seg.flags & ACK) || seg.ack !== seqAdd(this.iss, 1)) return;
        this.established(seg);
        break;
      case 'open':
        if (seg.flags & SYN) {
          this.sendAck(); // an old duplicate SYN (RFC 9293 §3.10.7.4: challenge ACK)
          return;
        }
    }
    this.ackInput(seg);
    if (this.state === 'open') this.dataInput(seg);
  }

  private established(seg: TcpSegment): void {
    this.state = 'open';
    this.sndUna = seqAdd(this.iss, 1);
    this.sndWnd = seg.window;
    this.retries = 0;
    this.rto = RTO_INITIAL;
    this.disarm();
  }

  private inWindow(seq: number): boolean {
    const d = seqDiff(seq, this.rcvNxt);
    return d >= 0 && d <= Math.max(this.lastWnd, 1);
  }

  private ackInput(seg: TcpSegment): void {
    if (!(seg.flags & ACK)) return;
    const acked = seqDiff(seg.ack, this.sndUna);
    if (acked < 0) return;
    if (seqDiff(seg.ack, this.sndMax) > 0) {
      this.sendAck(); // acknowledges something never sent
      return;
    }
    this.retries = 0;
    if (acked > 0) {
      let dataAcked = acked;
      if (this.finSent && seg.ack === seqAdd(this.sndUna, this.data.length + 1)) {
        this.finAcked = true;
        dataAcked--;
      }
      this.data.drop(Math.min(dataAcked, this.data.length));
      this.sndUna = seg.ack;
      if (seqDiff(this.sndNxt, this.sndUna) < 0) this.sndNxt = this.sndUna;
      this.dupAcks = 0;
      this.sampleRtt(seg.ack);
      this.disarm();
      if (this.recover !== null) {
        if (seqDiff(seg.ack, this.recover) >= 0) this.recover = null;
        else this.retransmitFirst(); // partial ACK: the next hole of the same window
      }
      if (this.paused && this.data.length < SND_BUF_LIMIT / 2 && this.state === 'open') {
        this.paused = false;
        this.sock?.resume();
      }
    } else if (
      seg.payload.length === 0 &&
      !(seg.flags & FIN) &&
      seqDiff(this.sndNxt, this.sndUna) > 0 &&
      ++this.dupAcks === 3 &&
      this.recover === null
    ) {
      this.recover = this.sndMax;
      this.retransmitFirst();
    }
    this.sndWnd = seg.window;
    this.output();
    this.maybeDone();
  }

  private dataInput(seg: TcpSegment): void {
    const fin = (seg.flags & FIN) !== 0;
    if (seg.payload.length === 0 && !fin) return;
    const early = seqDiff(this.rcvNxt, seg.seq);
    if (this.guestFin || early > seg.payload.length || (early === seg.payload.length && !fin)) {
      this.sendDupAck(); // a retransmission of what we have: say where we are
      return;
    }
    if (early < 0) {
      this.holdOutOfOrder(seg.seq, seg.payload, fin);
      this.sendDupAck(); // the hole's dup ACKs trigger the guest's fast retransmit
      return;
    }
    if (!this.accept(seg.payload.subarray(early), fin)) return;
    while (!this.guestFin && this.ooo.length) {
      const i = this.ooo.findIndex((o) => seqDiff(o.seq, this.rcvNxt) <= 0);
      if (i < 0) break;
      const [o] = this.ooo.splice(i, 1);
      this.oooBytes -= o.data.length;
      const skip = seqDiff(this.rcvNxt, o.seq);
      if (skip < o.data.length || (skip === o.data.length && o.fin))
        if (!this.accept(o.data.subarray(skip), o.fin)) break;
    }
    if (this.guestFin) {
      this.ooo.length = 0;
      this.oooBytes = 0;
      this.sendAck();
      this.maybeDone();
    } else if (!this.ackPending) this.ackPending = setImmediate(() => this.sendAck());
  }

  /** Keeps a segment beyond a hole (bounded by the window) so one loss costs one retransmission. */
  private holdOutOfOrder(seq: number, payload: Uint8Array, fin: boolean): void {
    const ahead = seqDiff(seq, this.rcvNxt);
    if (ahead + payload.length > this.lastWnd || this.oooBytes + payload.length > RCV_WND) return;
    if (this.ooo.some((o) => o.seq === seq)) return;
    this.ooo.push({ seq, data: Buffer.from(payload), fin });
    this.oooBytes += payload.length;
  }

  /** In-order guest bytes to the host socket, within our window. @returns false if some did not fit. */
  private accept(payload: Uint8Array, fin: boolean): boolean {
    const take = Math.min(payload.length, this.window());
    const sock = this.sock;
    if (take > 0 && sock) {
      if (!this.corked && this.link.corkForBatch(sock, () => (this.corked = false)))
        this.corked = true;
      // a view, no copy: the frame was allocated for this packet alone and nobody reuses it
      sock.write(Buffer.from(payload.buffer, payload.byteOffset, take));
    }
    if (take > 0) this.rcvNxt = seqAdd(this.rcvNxt, take);
    if (take < payload.length) return false;
    if (fin) {
      this.guestFin = true;
      this.rcvNxt = seqAdd(this.rcvNxt, 1);
      this.sock?.end();
    }
    return true;
  }

  /** An ACK repeating the last window, so the guest counts it as a duplicate (RFC 5681 §2). */
  private sendDupAck(): void {
    if (this.ackPending) {
      clearImmediate(this.ackPending);
      this.ackPending = null;
    }
    this.link.emit(this, { seq: this.sndNxt, ack: this.rcvNxt, flags: ACK, window: this.lastWnd });
  }

  /** Sends what the guest's window admits, then our FIN once the host side ended and all went out. */
  output(): void {
    if (this.state !== 'open') return;
    if (!this.link.guestReady()) return; // the NAT calls again when the NIC drains (kick)
    for (;;) {
      const off = seqDiff(this.sndNxt, this.sndUna);
      const unsent = this.data.length - off;
      const room = this.sndWnd - off;
      if (unsent <= 0 || room <= 0) break;
      const n = Math.min(unsent, room, this.sndMss);
      const last = n === unsent;
      if (this.rttSeq === null && this.sndNxt === this.sndMax) {
        this.rttSeq = seqAdd(this.sndNxt, n);
        this.rttStart = performance.now();
      }
      this.emitData(this.sndNxt, last ? ACK | PSH : ACK, off, n);
      this.advance(n);
    }
    const off = seqDiff(this.sndNxt, this.sndUna);
    if (this.hostEof && !this.finSent && off === this.data.length) {
      this.finSent = true;
      this.emit(this.sndNxt, FIN | ACK);
      this.advance(1);
    }
    if (seqDiff(this.sndNxt, this.sndUna) > 0) {
      if (!this.timer) this.arm(this.rto);
    } else if (this.data.length > 0 && this.sndWnd === 0 && !this.timer) this.arm(this.rto);
  }

  private advance(n: number): void {
    this.sndNxt = seqAdd(this.sndNxt, n);
    if (seqDiff(this.sndNxt, this.sndMax) > 0) this.sndMax = this.sndNxt;
  }

  private sampleRtt(ack: number): void {
    if (this.rttSeq === null || seqDiff(ack, this.rttSeq) < 0) return;
    const r = performance.now() - this.rttStart;
    this.rttSeq = null;
    if (this.srtt === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.rto = Math.min(RTO_MAX, Math.max(RTO_MIN, this.srtt + 4 * this.rttvar));
  }

  private retransmitFirst(): void {
    this.rttSeq = null;
    const n = Math.min(this.data.length, this.sndMss);
    if (n > 0) this.emitData(this.sndUna, ACK | PSH, 0, n);
    else if (this.finSent && !this.finAcked) this.emit(this.sndUna, FIN | ACK);
  }

  private arm(ms: number): void {
    this.disarm();
    this.timer = setTimeout(() => this.timeout(), ms);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private timeout(): void {
    this.timer = null;
    if (this.state === 'connecting') {
      this.link.unreachable(this);
      this.sock?.destroy();
      this.finish();
      return;
    }
    if (++this.retries > MAX_RETRIES) {
      this.reset(this.sndNxt, true);
      this.sock?.resetAndDestroy();
      this.finish();
      return;
    }
    this.rto = Math.min(this.rto * 2, RTO_MAX);
    if (this.state === 'syn-sent' || this.state === 'syn-rcvd') {
      this.sendSyn();
      return;
    }
    if (this.state !== 'open') return;
    if (seqDiff(this.sndNxt, this.sndUna) === 0 && this.sndWnd === 0 && this.data.length > 0) {
      // zero-window probe: one byte past the window; the guest answers with its window
      this.emitData(this.sndNxt, ACK, 0, 1);
      this.advance(1);
      this.arm(this.rto);
      return;
    }
    this.rttSeq = null;
    this.recover = null;
    this.sndNxt = this.sndUna; // go back N: the link rarely loses, so resend the window
    if (this.finSent && !this.finAcked) this.finSent = false;
    this.dupAcks = 0;
    this.output();
  }

  private maybeDone(): void {
    if (this.guestFin && this.finAcked) {
      this.sock?.destroy();
      this.finish();
    }
  }

  private finish(): void {
    this.releaseConnectHold();
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.disarm();
    if (this.ackPending) clearImmediate(this.ackPending);
    this.ackPending = null;
    this.link.closed(this);
  }
}
