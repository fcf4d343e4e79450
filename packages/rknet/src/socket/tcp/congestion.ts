// NewReno congestion control (RFC 5681 §3, RFC 6582): slow start with appropriate byte counting
// (RFC 3465, L = 1 SMSS), congestion avoidance, fast retransmit on the third duplicate ACK and fast
// recovery that stays in recovery across partial ACKs until everything sent before the loss is ACKed.
import { seqGe } from './seq';

/** Congestion state of one connection (bytes). */
export class RkTcpNewReno {
  cwnd: number;
  ssthresh = 0x7fffffff;
  dupAcks = 0;
  inRecovery = false;
  /** RFC 6582 "recover": the highest sequence sent when recovery started. */
  recover = 0;

  constructor(private mss: number) {
    // RFC 5681 §3.1 initial window (RFC 3390's formula).
    this.cwnd = Math.min(4 * mss, Math.max(2 * mss, 4380));
  }

  setMss(mss: number): void {
    this.mss = mss;
    this.cwnd = Math.min(4 * mss, Math.max(2 * mss, 4380));
  }

  /** New data was ACKed; @returns true when a partial ACK asks to retransmit the next hole. (`acked` bytes, `ack` the new SND.UNA); flight is before this ACK. */
  onAck(acked: number, ack: number, flight: number): boolean {
    if (this.inRecovery) {
      if (seqGe(ack, this.recover)) {
        // Full ACK (RFC 6582 §3.2 step 3): deflate.
        this.cwnd = Math.min(this.ssthresh, Math.max(flight - acked, this.mss) + this.mss);
        this.inRecovery = false;
        this.dupAcks = 0;
        return false;
      }
      // Partial ACK (step 4): retransmit the next hole, deflate by what was ACKed.
      this.cwnd = Math.max(this.mss, this.cwnd - acked + this.mss);
      return true;
    }
    this.dupAcks = 0;
    if (this.cwnd < this.ssthresh) this.cwnd += Math.min(acked, this.mss);
    else this.cwnd += Math.max(1, Math.floor((this.mss * this.mss) / this.cwnd));
    return false;
  }

  /** A duplicate ACK (RFC 5681 §4.2 definition checked by the caller); @returns true to fast-retransmit. */
  onDupAck(sndUna: number, sndMax: number, flight: number): boolean {
    this.dupAcks++;
    if (this.inRecovery) {
      this.cwnd += this.mss;
      return false;
    }
    // RFC 6582 §3.2 step 2: no new recovery while the ACK does not cover the previous `recover`.
    if (this.dupAcks === 3 && seqGe(sndUna, this.recover)) {
      this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
      this.cwnd = this.ssthresh + 3 * this.mss;
      this.recover = sndMax;
      this.inRecovery = true;
      return true;
    }
    return false;
  }

  /** The retransmission timer expired (RFC 5681 §3.1 eq. 4, loss window of one segment). */
  onTimeout(flight: number, sndMax: number): void {
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
    this.cwnd = this.mss;
    this.inRecovery = false;
    this.dupAcks = 0;
    this.recover = sndMax;
  }
}
