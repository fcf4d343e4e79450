// Timer expiries of one connection: retransmission (RFC 6298 §5 with backoff), delayed ACK, zero-window
// persist probes (RFC 9293 §3.8.6.1), keepalive (RFC 9293 §3.8.4) and the orphan FIN-WAIT-2 timeout.
import { Errno } from '@runikraft/errno';
import { TCP_ACK, TCP_RST } from '../../wire/tcp';
import type { RkTcpConn } from './conn';
import { sendProbe, transmit } from './output';
import { seqAdd } from './seq';

/** Runs the timers of `c` that are due at `now`. */
export function tcpTimers(c: RkTcpConn, now: number): void {
  if (now >= c.rtxAt) retransmitTimeout(c, now);
  if (c.isReleased) return;
  if (now >= c.delackAt) {
    c.delackAt = Number.POSITIVE_INFINITY;
    c.ackNow = true;
  }
  if (now >= c.persistAt) {
    sendProbe(c, now);
    c.persistBackoff++;
    c.persistAt = now + Math.min(c.rtt.rto * 2 ** c.persistBackoff, c.host.config.maxRto);
  }
  if (now >= c.keepAt) keepaliveTimeout(c, now);
  if (c.isReleased) return;
  if (c.appClosed && c.state === 'FIN_WAIT_2') {
    if (c.finWait2At === Number.POSITIVE_INFINITY)
      c.finWait2At = now + c.host.config.finWait2Timeout;
    else if (now >= c.finWait2At) c.release('CLOSED');
  }
}

function retransmitTimeout(c: RkTcpConn, now: number): void {
  const cfg = c.host.config;
  c.retries++;
  const limit = c.synchronized ? cfg.maxRetries : cfg.maxSynRetries;
  if (c.retries > limit) {
    if (c.synchronized) transmit(c, now, c.sndMax, 0, TCP_RST | TCP_ACK);
    if (c.parent && c.state === 'SYN_RECEIVED') c.release('CLOSED');
    else c.fail(Errno.ETIMEDOUT);
    return;
  }
  c.cc.onTimeout(c.flight, c.sndMax);
  c.rtt.backoff();
  c.rttSeq = null;
  // RFC 2018 §8: the receiver may renege on SACKed data, so a timeout forgets the scoreboard.
  c.sacked.clear();
  c.sndNxt = c.synchronized ? c.sndUna : c.iss;
  c.rtxAt = now + c.rtt.rto;
}

function keepaliveTimeout(c: RkTcpConn, now: number): void {
  if (!c.keepAlive || (c.state !== 'ESTABLISHED' && c.state !== 'CLOSE_WAIT')) {
    c.keepAt = Number.POSITIVE_INFINITY;
    return;
  }
  if (c.keepProbes >= c.keepCnt) {
    transmit(c, now, c.sndMax, 0, TCP_RST | TCP_ACK);
    c.fail(Errno.ETIMEDOUT);
    return;
  }
  c.keepProbes++;
  transmit(c, now, seqAdd(c.sndUna, -1), 0, TCP_ACK);
  c.keepAt = now + c.keepIntvl;
}
