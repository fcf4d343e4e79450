// Initial sequence numbers per RFC 6528: ISN = M + F(4-tuple, secret), M a 4-microsecond clock and F
// a keyed pseudorandom function — here HalfSipHash-2-4 (Aumasson/Bernstein; as Linux's hsiphash),
// which fits 32-bit arithmetic. The same function keys the timestamp offsets (RFC 7323 §7.1).

function rotl(x: number, b: number): number {
  return ((x << b) | (x >>> (32 - b))) >>> 0;
}

/** HalfSipHash-2-4 of 32-bit words `m` under key (k0, k1): a 32-bit result. */
export function halfSipHash(k0: number, k1: number, m: readonly number[]): number {
  let v0 = k0 >>> 0;
  let v1 = k1 >>> 0;
  let v2 = (0x6c796765 ^ k0) >>> 0;
  let v3 = (0x74656462 ^ k1) >>> 0;
  const round = () => {
    v0 = (v0 + v1) >>> 0;
    v1 = rotl(v1, 5) ^ v0;
    v0 = rotl(v0, 16);
    v2 = (v2 + v3) >>> 0;
    v3 = rotl(v3, 8) ^ v2;
    v0 = (v0 + v3) >>> 0;
    v3 = rotl(v3, 7) ^ v0;
    v2 = (v2 + v1) >>> 0;
    v1 = rotl(v1, 13) ^ v2;
    v2 = rotl(v2, 16);
  };
  for (const w of m) {
    v3 ^= w;
    round();
    round();
    v0 ^= w;
  }
  const b = ((m.length * 4) << 24) >>> 0;
  v3 ^= b;
  round();
  round();
  v0 ^= b;
  v2 ^= 0xff;
  round();
  round();
  round();
  round();
  return (v1 ^ v3) >>> 0;
}

/** Generates ISNs and timestamp offsets from a secret drawn once per stack. */
export class RkTcpIsn {
  constructor(
    private readonly k0: number,
    private readonly k1: number,
  ) {}

  /** The ISN for a connection at `now` ms (RFC 6528 §3: the clock part advances every 4 µs). */
  isn(now: number, la: number, lp: number, ra: number, rp: number): number {
    const f = halfSipHash(this.k0, this.k1, [la, ra, ((lp << 16) | rp) >>> 0]);
    return (f + Math.floor(now * 250)) >>> 0;
  }

  /** A per-connection offset for TSval so timestamps reveal no host uptime (RFC 7323 §7.1). */
  tsOffset(la: number, lp: number, ra: number, rp: number): number {
    return halfSipHash(this.k1, this.k0, [ra, la, ((rp << 16) | lp) >>> 0]);
  }
}
