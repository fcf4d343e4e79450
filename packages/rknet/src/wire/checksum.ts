// The internet checksum (RFC 1071, incremental per RFC 1624) and the IPv4 pseudo-header sum that
// TCP and UDP cover (RFC 9293 §3.1, RFC 768). Sums are kept unfolded in a JS number (exact to 2^53,
// i.e. packets far larger than any datagram) and folded once at the end.
import type { Ipv4Addr } from '../ip';

/**
 * Adds the 16-bit big-endian words of `b[start, end)` to `sum`; an odd last byte counts as its high
 * half (RFC 1071 §4.1). `start` must be at an even offset of the checksummed data. The high and
 * low bytes are summed apart, 16 bytes a turn, and joined once (no shift or or per word: about 3×
 * the word loop; the halves stay below 2^31 for any datagram, the result exact below 2^53).
 * @returns the unfolded sum; pass it on or to {@link checksumFinish}.
 */
export function checksumAdd(sum: number, b: Uint8Array, start = 0, end = b.length): number {
  let hi = 0;
  let lo = 0;
  let i = start;
  for (const e = start + ((end - start) & ~15); i < e; i += 16) {
    hi += b[i] + b[i + 2] + b[i + 4] + b[i + 6] + b[i + 8] + b[i + 10] + b[i + 12] + b[i + 14];
    lo += b[i + 1] + b[i + 3] + b[i + 5] + b[i + 7] + b[i + 9] + b[i + 11] + b[i + 13] + b[i + 15];
  }
  for (; i + 1 < end; i += 2) {
    hi += b[i];
    lo += b[i + 1];
  }
  if (i < end) hi += b[i];
  return sum + hi * 256 + lo;
}

/** Folds an unfolded sum into 16 bits with end-around carry. */
export function checksumFold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for an unfolded sum: the one's complement of the folded sum. */
export function checksumFinish(sum: number): number {
  return ~checksumFold(sum) & 0xffff;
}

/** The internet checksum of `b[start, end)` as it goes into a header field. */
export function checksum(b: Uint8Array, start = 0, end = b.length): number {
  return checksumFinish(checksumAdd(0, b, start, end));
}

/** True when data whose checksum field is included sums to 0xffff (RFC 1071 §1, verification). */
export function checksumValid(sum: number): boolean {
  return checksumFold(sum) === 0xffff;
}

/**
 * The unfolded sum of the IPv4 pseudo-header: source, destination, zero, protocol, and the
 * transport length (header plus data), as TCP (RFC 9293 §3.1) and UDP (RFC 768) checksum it.
 */
export function pseudoHeaderSum(
  src: Ipv4Addr,
  dst: Ipv4Addr,
  proto: number,
  length: number,
): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + length;
}

/**
 * Sums data arriving in pieces of any length (netbuf chains, header then payload) as if they were
 * one buffer: an odd-length piece carries its last byte over to pair with the next piece's first.
 */
export class RkChecksum {
  private sum = 0;
  private odd = false;

  constructor(initial = 0) {
    this.sum = initial;
  }

  /** Adds `b[start, end)`; @returns this, for chaining. */
  add(b: Uint8Array, start = 0, end = b.length): this {
    if (start >= end) return this;
    if (this.odd) {
      this.sum += b[start];
      start++;
      this.odd = false;
    }
    this.sum = checksumAdd(this.sum, b, start, end);
    if ((end - start) & 1) this.odd = true;
    return this;
  }

  /** Adds an already-computed unfolded word sum (a pseudo-header) at an even position. */
  addSum(sum: number): this {
    this.sum += sum;
    return this;
  }

  /** The unfolded sum so far. */
  get value(): number {
    return this.sum;
  }

  /** The checksum field value for everything added. */
  finish(): number {
    return checksumFinish(this.sum);
  }
}
