// Segment transmission (RFC 9293 §3.8.6 and §3.10): SYNs with our options, data within the send and
// congestion windows, Nagle with Minshall's refinement so a response of any size never waits for a
// delayed ACK, FIN, pure and window-update ACKs, probes, retransmissions and RSTs. Payload bytes are
// copied once, from the send ring straight into the netbuf the IP layer hands out.
import type { RkIpLayer } from '../../ip';
import {
  emitTcp,
  IP_PROTO_TCP,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  type TcpRepr,
  tcpHeaderLen,
} from '../../wire/tcp';
import type { RkTcpConn } from './conn';
import { seqAdd, seqGt, seqLe, seqLt, seqMax, seqSub } from './seq';

const EMPTY = new Uint8Array(0);
/** Segments one output call may send before yielding to the next poll. */
const OUTPUT_BUDGET = 64;

function blankRepr(sp: number, dp: number, seq: number, ack: number, flags: number): TcpRepr {
  return {
    srcPort: sp,
    dstPort: dp,
    seq,
    ack,
    flags,
    window: 0,
    urgent: 0,
    mss: null,
    windowScale: null,
    sackPermitted: false,
    sackBlocks: [],
    timestamp: null,
    payload: EMPTY,
  };
}

/** The 16-bit window field now, never moving the advertised right edge left (RFC 9293 §3.8.6.2.2). */
function windowField(c: RkTcpConn, syn: boolean): number {
  const free = c.recvBuf.free;
  if (syn) return Math.min(free, 0xffff);
  const ws = c.rcvWscale;
  let field = Math.min(free >> ws, 0xffff);
  const promised = seqSub(c.rcvAdvEnd, c.rcvNxt);
  if (promised > 0) field = Math.max(field, Math.min(0xffff, Math.ceil(promised / 2 ** ws)));
  return field;
}

/**
 * Sends one segment of connection `c`: `len` bytes from `ringOff` in the send buffer.
 * @returns true when the IP layer took it (false: no netbufs or no route — try again later).
 */
export function transmit(
  c: RkTcpConn,
  now: number,
  seq: number,
  len: number,
  flags: number,
  ringOff = 0,
): boolean {
  const syn = (flags & TCP_SYN) !== 0;
  const cfg = c.host.config;
  const repr = blankRepr(c.localPort, c.remotePort, seq, flags & TCP_ACK ? c.rcvNxt : 0, flags);
  repr.window = windowField(c, syn);
  if (syn) {
    repr.mss = c.advMss;
    // On a SYN-ACK, offer only what the peer's SYN offered (RFC 7323 §1.3, RFC 2018 §2).
    const active = c.state === 'SYN_SENT';
    if (active ? cfg.windowScaling : c.wsOk) repr.windowScale = c.rcvWscale;
    repr.sackPermitted = active ? cfg.sack : c.sackEnabled;
  } else if (c.sackEnabled && !c.rcvOoo.empty) {
    repr.sackBlocks = c.rcvOoo.sackBlocks(c.tsEnabled ? 3 : 4);
  }
  const offerTs = syn && c.state === 'SYN_SENT' ? cfg.timestamps : c.tsEnabled;
  if (offerTs) repr.timestamp = { tsval: (Math.floor(now) + c.tsOffset) >>> 0, tsecr: c.tsRecent };
  const hl = tcpHeaderLen(repr);
  const r = c.host.ip.send(IP_PROTO_TCP, c.localAddr, c.remoteAddr, hl + len, (p, src) => {
    const body = p.subarray(hl, hl + len);
    if (len > 0) c.sendBuf.peek(ringOff, body);
    repr.payload = body;
    emitTcp(repr, p, src, c.remoteAddr);
  });
  if (r < 0) {
    c.host.markDirty(c);
    return false;
  }
  if (flags & TCP_ACK) {
    c.lastAckSent = c.rcvNxt;
    c.ackNow = false;
    c.ackPending = 0;
    c.delackAt = Number.POSITIVE_INFINITY;
  }
  const scale = syn ? 1 : 2 ** c.rcvWscale;
  c.rcvAdvEnd = seqMax(c.rcvAdvEnd, seqAdd(c.rcvNxt, repr.window * scale));
  return true;
}

/** Emits whatever `c` owes the peer now. */
export function tcpOutput(c: RkTcpConn, now: number): void {
  if (c.rstNow) {
    c.rstNow = false;
    transmit(c, now, c.sndMax, 0, TCP_RST | TCP_ACK);
    c.release('CLOSED');
    return;
  }
  if (c.isReleased || c.state === 'CLOSED' || c.state === 'TIME_WAIT') return;
  if ((c.state === 'SYN_SENT' || c.state === 'SYN_RECEIVED') && c.sndNxt === c.iss) {
    const flags = c.state === 'SYN_SENT' ? TCP_SYN : TCP_SYN | TCP_ACK;
    if (!transmit(c, now, c.iss, 0, flags)) return;
    c.sndNxt = seqAdd(c.iss, 1);
    c.sndMax = seqMax(c.sndMax, c.sndNxt);
    if (c.rtxAt === Number.POSITIVE_INFINITY) c.rtxAt = now + c.rtt.rto;
    if (c.rttSeq === null && c.retries === 0) {
      c.rttSeq = c.iss;
      c.rttTime = now;
    }
    return;
  }
  if (c.synchronized) {
    if (c.rtxNow) {
      c.rtxNow = false;
      retransmitHole(c, now);
    }
    let budget = OUTPUT_BUDGET;
    while (sendNext(c, now))
      if (--budget === 0) {
        c.host.markDirty(c);
        break;
      }
  }
  if (c.ackNow) transmit(c, now, c.sndNxt, 0, TCP_ACK);
}

/** Sends the next new (or, after a timeout, rewound) segment if the windows and Nagle allow. */
function sendNext(c: RkTcpConn, now: number): boolean {
  if (c.sackEnabled && seqLt(c.sndNxt, c.sndMax)) {
    // After a timeout, skip what the peer already holds (RFC 2018 §5.1: ranges may be reneged, so
    // this only shortens the go-back-N; the scoreboard was cleared at the timeout).
    const end = c.sacked.blockEnd(c.sndNxt);
    if (end !== null) c.sndNxt = end;
  }
  const dataEnd = seqAdd(c.sndUna, c.sendBuf.length);
  const avail = seqSub(dataEnd, c.sndNxt);
  const win = Math.min(c.sndWnd, c.cc.cwnd);
  const usable = seqSub(seqAdd(c.sndUna, win), c.sndNxt);
  const len = Math.max(0, Math.min(c.mss, avail, usable));
  const retransmitting = seqLt(c.sndNxt, c.sndMax);
  const finHere =
    c.finQueued && seqAdd(c.sndNxt, len) === c.finSeq && seqLe(c.sndUna, c.finSeq) && avail >= 0;
  if (len > 0) {
    const full = len === c.mss;
    const all = len === avail;
    const noSmallOutstanding = c.noDelay || !seqGt(c.sndSml, c.sndUna) || c.flight === 0;
    // Sender SWS avoidance (RFC 9293 §3.8.6.2.1): full segments, all that is queued (subject to
    // Nagle), half the largest window seen, or — instead of an override timer — whatever the window
    // allows once nothing is outstanding, so a window smaller than one MSS still drains.
    if (!full && !(all && noSmallOutstanding) && len < c.maxSndWnd / 2 && c.flight !== 0)
      if (!retransmitting) return false;
  } else if (!finHere) {
    if (avail > 0 && c.sndWnd === 0 && c.rtxAt === Number.POSITIVE_INFINITY)
      if (c.persistAt === Number.POSITIVE_INFINITY) c.persistAt = now + c.rtt.rto;
    return false;
  }
  let flags = TCP_ACK;
  if (len > 0 && len === avail) flags |= TCP_PSH;
  if (finHere) flags |= TCP_FIN;
  const seq = c.sndNxt;
  if (!transmit(c, now, seq, len, flags, seqSub(seq, c.sndUna))) return false;
  if (retransmitting) {
    c.host.countRetransmit();
    if (c.rttSeq !== null && seqLe(seq, c.rttSeq)) c.rttSeq = null; // Karn
  } else if (c.rttSeq === null && !c.tsEnabled) {
    c.rttSeq = seq;
    c.rttTime = now;
  }
  if (len < c.mss) c.sndSml = seqAdd(seq, len);
  c.sndNxt = seqAdd(seq, len + (finHere ? 1 : 0));
  c.sndMax = seqMax(c.sndMax, c.sndNxt);
  c.persistAt = Number.POSITIVE_INFINITY;
  c.persistBackoff = 0;
  if (c.rtxAt === Number.POSITIVE_INFINITY) c.rtxAt = now + c.rtt.rto;
  return true;
}

/**
 * Retransmits one segment at the first hole at or past `c.rtxFrom` (SND.UNA for NewReno; the next
 * un-SACKed range with SACK, after RFC 6675's NextSeg rule 1) without moving SND.NXT.
 */
function retransmitHole(c: RkTcpConn, now: number): void {
  let seq = seqMax(c.rtxFrom, c.sndUna);
  if (c.sackEnabled) {
    const end = c.sacked.blockEnd(seq);
    if (end !== null) seq = end;
  }
  if (!seqLt(seq, c.sndMax)) return;
  // Past SND.UNA, only a hole below the highest SACKed byte is known lost (RFC 6675 IsLost).
  const top = c.sacked.highest();
  if (seq !== c.sndUna && (top === null || !seqLt(seq, top))) return;
  const dataEnd = seqAdd(c.sndUna, c.sendBuf.length);
  let len = Math.min(c.mss, Math.max(0, seqSub(dataEnd, seq)));
  if (c.sackEnabled) {
    const next = c.sacked.nextStart(seq);
    if (next !== null) len = Math.min(len, seqSub(next, seq));
  }
  const fin = c.finQueued && seqAdd(seq, len) === c.finSeq && seqLt(c.finSeq, c.sndMax);
  if (len === 0 && !fin) return;
  const flags = TCP_ACK | (fin ? TCP_FIN : 0);
  if (!transmit(c, now, seq, len, flags, seqSub(seq, c.sndUna))) return;
  c.host.countRetransmit();
  if (c.rttSeq !== null && seqLe(seq, c.rttSeq)) c.rttSeq = null;
  c.highRxt = seqAdd(seq, len + (fin ? 1 : 0));
}

/** A zero-length probe at SND.UNA - 1: the peer answers with an ACK carrying its window. */
export function sendProbe(c: RkTcpConn, now: number): void {
  transmit(c, now, seqAdd(c.sndUna, -1), 0, TCP_ACK);
}

/**
 * Answers a segment no connection accepts (RFC 9293 §3.10.7.1): <SEQ=SEG.ACK><CTL=RST> when it
 * carried an ACK, else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. Never answers a RST.
 */
export function sendResetFor(ip: RkIpLayer, local: number, remote: number, seg: TcpRepr): void {
  if (seg.flags & TCP_RST) return;
  const segLen = seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
  const repr =
    seg.flags & TCP_ACK
      ? blankRepr(seg.dstPort, seg.srcPort, seg.ack, 0, TCP_RST)
      : blankRepr(seg.dstPort, seg.srcPort, 0, seqAdd(seg.seq, segLen), TCP_RST | TCP_ACK);
  ip.send(IP_PROTO_TCP, local, remote, tcpHeaderLen(repr), (p, src) => {
    emitTcp(repr, p, src, remote);
  });
}

/** A bare ACK from a TIME_WAIT record (no TCB left). */
export function sendTimeWaitAck(
  ip: RkIpLayer,
  now: number,
  tw: {
    localAddr: number;
    localPort: number;
    remoteAddr: number;
    remotePort: number;
    sndNxt: number;
    rcvNxt: number;
    tsEnabled: boolean;
    tsOffset: number;
    tsRecent: number;
  },
): void {
  const repr = blankRepr(tw.localPort, tw.remotePort, tw.sndNxt, tw.rcvNxt, TCP_ACK);
  if (tw.tsEnabled)
    repr.timestamp = { tsval: (Math.floor(now) + tw.tsOffset) >>> 0, tsecr: tw.tsRecent };
  ip.send(IP_PROTO_TCP, tw.localAddr, tw.remoteAddr, tcpHeaderLen(repr), (p, src) => {
    emitTcp(repr, p, src, tw.remoteAddr);
  });
}
