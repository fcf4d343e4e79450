// Segment arrival for an existing connection (RFC 9293 §3.10.7.3 SYN-SENT, §3.10.7.4 the other
// states), with RFC 5961's blind-attack defences (exact-sequence RST, challenge ACKs for SYNs and
// in-window RSTs, the ACK range check), PAWS and TS.Recent (RFC 7323 §5), SACK (RFC 2018) and the
// NewReno reactions to new and duplicate ACKs (RFC 5681, RFC 6582).
import { Errno } from '@runikraft/errno';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from '../../wire/tcp';
import { TCP_DEFAULT_MSS, TCP_MAX_WSCALE } from './config';
import type { RkTcpConn } from './conn';
import { transmit } from './output';
import { seqAdd, seqGt, seqLe, seqLt, seqMax, seqSub } from './seq';

/** Takes the peer's SYN options (RFC 9293 §3.7.1 MSS, RFC 7323 §2.2/§3.2, RFC 2018 §2). */
export function negotiateSyn(c: RkTcpConn, seg: TcpRepr, now: number): void {
  const cfg = c.host.config;
  const peerMss = seg.mss ?? TCP_DEFAULT_MSS;
  c.mss = Math.max(64, Math.min(peerMss, c.advMss));
  c.cc.setMss(c.mss);
  c.wsOk = cfg.windowScaling && seg.windowScale !== null;
  if (c.wsOk) c.sndWscale = Math.min(seg.windowScale!, TCP_MAX_WSCALE);
  else c.rcvWscale = 0;
  c.sackEnabled = cfg.sack && seg.sackPermitted;
  c.tsEnabled = cfg.timestamps && seg.timestamp !== null;
  if (c.tsEnabled) c.tsRecent = seg.timestamp!.tsval;
  c.irs = seg.seq;
  c.rcvNxt = seqAdd(seg.seq, 1);
  c.rcvAdvEnd = c.rcvNxt;
  c.keepAt = c.keepAlive ? now + c.keepIdle : Number.POSITIVE_INFINITY;
}

/** Handles one segment for `c`. Output owed (ACKs, data) is left for tcpOutput. */
export function connInput(c: RkTcpConn, now: number, seg: TcpRepr): void {
  if (c.state === 'SYN_SENT') {
    synSentInput(c, now, seg);
    return;
  }
  if (c.state === 'CLOSED' || c.state === 'TIME_WAIT') return;
  const f = seg.flags;
  if (c.state === 'SYN_RECEIVED' && f === TCP_SYN && seg.seq === c.irs) {
    c.sndNxt = c.iss; // the peer did not get our SYN-ACK: send it again
    return;
  }
  // PAWS (RFC 7323 §5.3 R1): an old timestamp means an old duplicate; RSTs are exempt.
  if (c.tsEnabled && seg.timestamp && !(f & TCP_RST) && seqLt(seg.timestamp.tsval, c.tsRecent)) {
    c.ackNow = true;
    return;
  }
  if (!acceptable(c, seg)) {
    if (!(f & TCP_RST)) c.ackNow = true;
    return;
  }
  if (f & TCP_RST) {
    rstInput(c, seg);
    return;
  }
  if (f & TCP_SYN) {
    // RFC 5961 §4.2: any SYN on a synchronized (or SYN-RECEIVED) connection gets a challenge ACK.
    c.ackNow = true;
    return;
  }
  if (!(f & TCP_ACK)) return;
  // RFC 7323 §4.3: TS.Recent from segments covering the last ACK we sent.
  if (c.tsEnabled && seg.timestamp && seqLe(seg.seq, c.lastAckSent))
    c.tsRecent = seqMax(c.tsRecent, seg.timestamp.tsval);
  c.keepProbes = 0;
  if (c.keepAlive) c.keepAt = now + c.keepIdle;
  if (c.state === 'SYN_RECEIVED') {
    if (!(seqLt(c.sndUna, seg.ack) && seqLe(seg.ack, c.sndMax))) {
      c.rstNow = false;
      sendRst(c, now, seg.ack);
      return;
    }
    if (c.parent && !c.host.acceptRoom(c)) return; // accept queue full: the peer retransmits
    c.state = 'ESTABLISHED';
    c.sndUna = seqAdd(c.iss, 1); // the SYN is acknowledged; the send ring starts here
    c.sndSml = c.sndUna;
    c.sndWnd = seg.window * 2 ** c.sndWscale;
    c.maxSndWnd = c.sndWnd;
    c.sndWl1 = seg.seq;
    c.sndWl2 = seg.ack;
    c.host.established(c);
  }
  // RFC 5961 §5.2: an ACK outside [SND.UNA - MAX.SND.WND, SND.MAX] is answered and dropped.
  if (seqGt(seg.ack, c.sndMax) || seqLt(seg.ack, seqSub(c.sndUna, Math.max(c.maxSndWnd, 1)))) {
    c.ackNow = true;
    return;
  }
  ackInput(c, now, seg);
  if (c.isReleased) return;
  if (seg.payload.length > 0) dataInput(c, now, seg);
  if (c.isReleased) return;
  if (f & TCP_FIN) c.finRcvSeq = seqAdd(seg.seq, seg.payload.length);
  if (c.finRcvSeq !== null && c.rcvNxt === c.finRcvSeq && !c.finReceived) finInput(c, now);
}

/** RFC 9293 §3.10.7.4 first check, with trimming to the window (SYN and FIN count as one). */
function acceptable(c: RkTcpConn, seg: TcpRepr): boolean {
  const wnd = Math.max(0, seqSub(c.rcvAdvEnd, c.rcvNxt));
  let len = seg.payload.length;
  if (seg.flags & TCP_SYN) len++;
  if (seg.flags & TCP_FIN) len++;
  const last = seqAdd(seg.seq, len - 1);
  const inWnd = (s: number) => seqLe(c.rcvNxt, s) && seqLt(s, seqAdd(c.rcvNxt, wnd));
  let ok: boolean;
  if (len === 0) ok = wnd === 0 ? seg.seq === c.rcvNxt : inWnd(seg.seq);
  else ok = wnd > 0 && (inWnd(seg.seq) || inWnd(last));
  if (!ok) return false;
  // Trim the front to RCV.NXT and the back to the window.
  if (seqLt(seg.seq, c.rcvNxt)) {
    let cut = seqSub(c.rcvNxt, seg.seq);
    if (seg.flags & TCP_SYN) {
      seg.flags &= ~TCP_SYN;
      cut--;
    }
    seg.payload = seg.payload.subarray(Math.min(cut, seg.payload.length));
    seg.seq = c.rcvNxt;
  }
  const room = seqSub(seqAdd(c.rcvNxt, wnd), seg.seq);
  if (seg.payload.length > room) {
    seg.payload = seg.payload.subarray(0, Math.max(0, room));
    seg.flags &= ~TCP_FIN;
  }
  return true;
}

/** RFC 5961 §3.2: reset only on the exact sequence number; in-window otherwise gets a challenge ACK. */
function rstInput(c: RkTcpConn, seg: TcpRepr): void {
  if (seg.seq !== c.rcvNxt) {
    c.ackNow = true;
    return;
  }
  if ((c.state === 'SYN_RECEIVED' && c.parent) || c.state === 'CLOSING' || c.state === 'LAST_ACK')
    c.release('CLOSED');
  else c.fail(c.state === 'SYN_RECEIVED' ? Errno.ECONNREFUSED : Errno.ECONNRESET);
}

/** RFC 9293 §3.10.7.3. */
function synSentInput(c: RkTcpConn, now: number, seg: TcpRepr): void {
  const f = seg.flags;
  if (f & TCP_ACK && (seqLe(seg.ack, c.iss) || seqGt(seg.ack, c.sndMax))) {
    if (!(f & TCP_RST)) sendRst(c, now, seg.ack);
    return;
  }
  if (f & TCP_RST) {
    if (f & TCP_ACK) c.fail(Errno.ECONNREFUSED);
    return;
  }
  if (!(f & TCP_SYN)) return;
  negotiateSyn(c, seg, now);
  if (f & TCP_ACK) {
    c.sndUna = seg.ack;
    if (seqLt(c.sndNxt, c.sndUna)) c.sndNxt = c.sndUna;
    c.state = 'ESTABLISHED';
    rttFromAck(c, now, seg);
    c.rtt.resetBackoff();
    c.retries = 0;
    c.rtxAt = Number.POSITIVE_INFINITY;
    c.sndWnd = seg.window; // never scaled in a SYN (RFC 7323 §2.2)
    c.maxSndWnd = c.sndWnd;
    c.sndWl1 = seg.seq;
    c.sndWl2 = seg.ack;
    c.sndSml = c.sndUna;
    c.ackNow = true;
    c.host.established(c);
    return;
  }
  // Simultaneous open (RFC 9293 Figure 8): answer with a SYN-ACK on our ISS.
  c.state = 'SYN_RECEIVED';
  c.sndNxt = c.iss;
  c.sndWnd = seg.window;
  c.maxSndWnd = c.sndWnd;
}

function rttFromAck(c: RkTcpConn, now: number, seg: TcpRepr): void {
  if (c.tsEnabled && seg.timestamp && seg.timestamp.tsecr !== 0) {
    const r = ((Math.floor(now) + c.tsOffset - seg.timestamp.tsecr) | 0) >>> 0;
    if (r < c.host.config.maxRto * 4) c.rtt.sample(r);
  } else if (c.rttSeq !== null && seqGt(seg.ack, c.rttSeq)) {
    c.rtt.sample(now - c.rttTime);
    c.rttSeq = null;
  }
}

/** ACK processing (RFC 9293 §3.10.7.4 fifth check) plus the window update rule. */
function ackInput(c: RkTcpConn, now: number, seg: TcpRepr): void {
  const ack = seg.ack;
  const wnd = seg.window * 2 ** c.sndWscale;
  const flightBefore = c.flight;
  if (c.sackEnabled) {
    for (const [l, r] of seg.sackBlocks)
      if (seqLt(c.sndUna, l) && seqLt(l, r) && seqLe(r, c.sndMax)) c.sacked.add(l, r);
  }
  if (seqGt(ack, c.sndUna)) {
    const acked = seqSub(ack, c.sndUna);
    const finAcked = c.finQueued && seqGt(ack, c.finSeq);
    c.sendBuf.consume(acked - (finAcked ? 1 : 0));
    c.sndUna = ack;
    if (seqLt(c.sndNxt, ack)) c.sndNxt = ack;
    c.sacked.dropBelow(ack);
    rttFromAck(c, now, seg);
    c.rtt.resetBackoff();
    c.retries = 0;
    c.rtxAt = c.sndUna === c.sndMax ? Number.POSITIVE_INFINITY : now + c.rtt.rto;
    if (c.cc.onAck(acked, ack, flightBefore)) {
      c.rtxFrom = ack;
      c.rtxNow = true;
    }
    if (finAcked) finAckedInput(c, now);
    c.onEvent?.(c);
  } else if (
    ack === c.sndUna &&
    seg.payload.length === 0 &&
    !(seg.flags & (TCP_SYN | TCP_FIN)) &&
    wnd === c.sndWnd &&
    c.flight > 0
  ) {
    dupAck(c);
  }
  if (seqLt(c.sndWl1, seg.seq) || (c.sndWl1 === seg.seq && seqLe(c.sndWl2, ack))) {
    const opened = c.sndWnd === 0 && wnd > 0;
    c.sndWnd = wnd;
    c.maxSndWnd = Math.max(c.maxSndWnd, wnd);
    c.sndWl1 = seg.seq;
    c.sndWl2 = ack;
    if (wnd > 0) {
      c.persistAt = Number.POSITIVE_INFINITY;
      c.persistBackoff = 0;
    }
    if (opened) c.onEvent?.(c);
  }
}

function dupAck(c: RkTcpConn): void {
  if (c.cc.onDupAck(c.sndUna, c.sndMax, c.flight)) {
    c.rtxFrom = c.sndUna;
    c.rtxNow = true;
    c.highRxt = c.sndUna;
    return;
  }
  // SACK-based recovery: each further duplicate ACK may release the next hole (RFC 6675 NextSeg).
  if (c.cc.inRecovery && c.sackEnabled) {
    const top = c.sacked.highest();
    if (top !== null && seqLt(c.highRxt, top)) {
      c.rtxFrom = seqMax(c.highRxt, c.sndUna);
      c.rtxNow = true;
    }
  }
}

/** Our FIN was acknowledged: FIN-WAIT-1 → FIN-WAIT-2, CLOSING → TIME-WAIT, LAST-ACK → CLOSED. */
function finAckedInput(c: RkTcpConn, now: number): void {
  if (c.state === 'FIN_WAIT_1') {
    c.state = 'FIN_WAIT_2';
    if (c.appClosed) c.finWait2At = now + c.host.config.finWait2Timeout;
  } else if (c.state === 'CLOSING') c.host.enterTimeWait(c, now);
  else if (c.state === 'LAST_ACK') c.release('CLOSED');
}

/** Segment text (RFC 9293 §3.10.7.4 seventh check): in place into the receive ring. */
function dataInput(c: RkTcpConn, now: number, seg: TcpRepr): void {
  if (c.state !== 'ESTABLISHED' && c.state !== 'FIN_WAIT_1' && c.state !== 'FIN_WAIT_2') return;
  if (c.appClosed) {
    // Nobody will read this: reset (RFC 9293 §3.10.4 / RFC 2525 §2.17).
    sendRst(c, now, c.sndMax);
    c.release('CLOSED');
    return;
  }
  if (c.readShut) {
    c.rcvNxt = seqAdd(c.rcvNxt, seg.payload.length);
    c.ackNow = true;
    return;
  }
  const off = seqSub(seg.seq, c.rcvNxt);
  const n = c.recvBuf.writeAt(off, seg.payload);
  if (n === 0) {
    c.ackNow = true;
    return;
  }
  if (off === 0) {
    const hadHoles = !c.rcvOoo.empty;
    let next = seqAdd(c.rcvNxt, n);
    next = c.rcvOoo.advance(next);
    c.recvBuf.commit(seqSub(next, c.rcvNxt));
    c.rcvNxt = next;
    c.onEvent?.(c);
    // RFC 5681 §4.2: ACK at least every second full segment; at once when a hole was filled.
    if (hadHoles || ++c.ackPending >= 2) c.ackNow = true;
    else if (c.delackAt === Number.POSITIVE_INFINITY) c.delackAt = now + c.host.config.delayedAck;
  } else {
    c.rcvOoo.add(seg.seq, seqAdd(seg.seq, n));
    c.ackNow = true; // a duplicate ACK right away (RFC 5681 §4.2), with SACK blocks
  }
}

/** Our peer's FIN is now in order (RFC 9293 §3.10.7.4 eighth check). */
function finInput(c: RkTcpConn, now: number): void {
  c.finReceived = true;
  c.rcvNxt = seqAdd(c.rcvNxt, 1);
  c.ackNow = true;
  if (c.state === 'ESTABLISHED' || c.state === 'SYN_RECEIVED') c.state = 'CLOSE_WAIT';
  else if (c.state === 'FIN_WAIT_1') c.state = 'CLOSING';
  else if (c.state === 'FIN_WAIT_2') {
    transmit(c, now, c.sndNxt, 0, TCP_ACK);
    c.host.enterTimeWait(c, now);
  }
  c.onEvent?.(c);
}

/** A RST for this connection's 4-tuple with the given sequence number. */
function sendRst(c: RkTcpConn, now: number, seq: number): void {
  transmit(c, now, seq, 0, TCP_RST);
}
