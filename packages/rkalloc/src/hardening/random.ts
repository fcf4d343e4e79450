// A small seeded PRNG (xorshift32) for randomised placement and quarantine order; not cryptographic.

/** A deterministic 32-bit generator; `seed` 0 is replaced by a fixed non-zero constant. */
export class RkXorshift32 {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** The next value in [0, 2^32). */
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  /** A value in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }
}
