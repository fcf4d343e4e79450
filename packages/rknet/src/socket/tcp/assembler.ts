// Out-of-order receive bookkeeping: which sequence ranges past RCV.NXT already sit in the ring, and
// the SACK blocks they make (RFC 2018 §4: the block holding the latest segment first).
import { seqGe, seqGt, seqLe, seqLt, seqMax } from './seq';

/** Most holes kept; a segment that would need more is dropped (the sender retransmits it). */
export const ASSEMBLER_MAX_RANGES = 32;

/** Sorted, disjoint [start, end) sequence ranges received beyond RCV.NXT. */
export class RkTcpAssembler {
  private ranges: [number, number][] = [];
  private latest: [number, number] | null = null;

  get empty(): boolean {
    return this.ranges.length === 0;
  }
  get count(): number {
    return this.ranges.length;
  }

  /** Records [start, end). @returns false when that would exceed ASSEMBLER_MAX_RANGES. */
  add(start: number, end: number): boolean {
    const rs = this.ranges;
    let i = 0;
    while (i < rs.length && seqLt(rs[i]![1], start)) i++;
    let j = i;
    let s = start;
    let e = end;
    while (j < rs.length && seqLe(rs[j]![0], e)) {
      if (seqLt(rs[j]![0], s)) s = rs[j]![0];
      e = seqMax(e, rs[j]![1]);
      j++;
    }
    if (j === i && rs.length >= ASSEMBLER_MAX_RANGES) return false;
    const merged: [number, number] = [s, e];
    rs.splice(i, j - i, merged);
    this.latest = merged;
    return true;
  }

  /** Removes what RCV.NXT = `next` now covers. @returns the new RCV.NXT (past any range it reaches). */
  advance(next: number): number {
    let n = next;
    while (this.ranges.length > 0 && seqLe(this.ranges[0]![0], n)) {
      n = seqMax(n, this.ranges[0]![1]);
      this.ranges.shift();
    }
    if (this.latest && seqLe(this.latest[1], n)) this.latest = null;
    return n;
  }

  /** Up to `max` SACK blocks, the most recently changed first. */
  sackBlocks(max: number): [number, number][] {
    const out: [number, number][] = [];
    if (this.latest && this.ranges.includes(this.latest)) out.push([...this.latest]);
    for (let k = this.ranges.length - 1; k >= 0 && out.length < max; k--) {
      const r = this.ranges[k]!;
      if (r !== this.latest) out.push([r[0], r[1]]);
    }
    return out.slice(0, max);
  }

  /** True when [start, end) is entirely held already. */
  holds(start: number, end: number): boolean {
    return this.ranges.some((r) => seqLe(r[0], start) && seqGe(r[1], end));
  }

  /** True when data exists beyond `seq`. */
  beyond(seq: number): boolean {
    return this.ranges.some((r) => seqGt(r[1], seq));
  }

  /** The end of the range holding `seq`, or null. */
  blockEnd(seq: number): number | null {
    for (const r of this.ranges) if (seqLe(r[0], seq) && seqLt(seq, r[1])) return r[1];
    return null;
  }

  /** The start of the first range beginning after `seq`, or null. */
  nextStart(seq: number): number | null {
    for (const r of this.ranges) if (seqGt(r[0], seq)) return r[0];
    return null;
  }

  /** The highest end of any range, or null. */
  highest(): number | null {
    return this.ranges.length > 0 ? this.ranges[this.ranges.length - 1]![1] : null;
  }

  /** Forgets everything below `seq` (a sender scoreboard as SND.UNA advances). */
  dropBelow(seq: number): void {
    while (this.ranges.length > 0 && seqLe(this.ranges[0]![1], seq)) this.ranges.shift();
    if (this.ranges.length > 0 && seqLt(this.ranges[0]![0], seq)) this.ranges[0]![0] = seq;
    if (this.latest && seqLe(this.latest[1], seq)) this.latest = null;
  }

  clear(): void {
    this.ranges = [];
    this.latest = null;
  }
}
