// The retransmission timer's estimator (RFC 6298 §2): SRTT and RTTVAR from samples, RTO with a floor,
// a ceiling and exponential backoff (§5.5), Karn's rule applied by the caller (no samples from
// retransmitted data unless timestamps disambiguate them, RFC 7323 §4).

/** Clock granularity G in milliseconds (the stack's clock ticks in ms). */
const G = 1;

/** An RFC 6298 estimator; times in milliseconds. */
export class RkTcpRtt {
  srtt = 0;
  rttvar = 0;
  /** The RTO before backoff. */
  private base: number;
  /** Consecutive expirations (the backoff exponent). */
  backoffs = 0;
  private sampled = false;

  constructor(
    readonly initialRto: number,
    readonly minRto: number,
    readonly maxRto: number,
  ) {
    this.base = initialRto;
  }

  /** Feeds one round-trip measurement `r` (ms, clamped to >= 0). */
  sample(r: number): void {
    const m = Math.max(0, r);
    if (!this.sampled) {
      this.srtt = m;
      this.rttvar = m / 2;
      this.sampled = true;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - m);
      this.srtt = 0.875 * this.srtt + 0.125 * m;
    }
    this.base = this.srtt + Math.max(G, 4 * this.rttvar);
  }

  /** The current RTO including backoff, within [minRto, maxRto]. */
  get rto(): number {
    const b = Math.min(this.maxRto, Math.max(this.minRto, this.base));
    return Math.min(this.maxRto, b * 2 ** this.backoffs);
  }

  /** Records a timer expiry: the next RTO doubles (§5.5). */
  backoff(): void {
    if (this.rto < this.maxRto) this.backoffs++;
  }

  /** New data was acknowledged: backoff ends (§5.7 keeps the estimate, drops the multiplier). */
  resetBackoff(): void {
    this.backoffs = 0;
  }

  /** True once a measurement was taken. */
  get hasSample(): boolean {
    return this.sampled;
  }
}
