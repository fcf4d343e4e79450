// TCP segments (RFC 9293 §3.1) for the slirp side: parse the guest's (MSS option only; others are
// skipped safely) and build ours (MSS on SYN, no window scaling, as QEMU 7.2's slirp).
import { IPPROTO_TCP, type Ip4Packet, l4ChecksumOk, pseudoSum, sum16 } from './wire';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** A parsed guest segment; `payload` is a view of the frame. */
export interface TcpSegment {
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  /** The MSS option of a SYN, if any. */
  readonly mss?: number;
  readonly payload: Uint8Array;
}

/** Parses the TCP segment in `ip` and checks its checksum. @returns null if malformed. */
export function parseTcp(ip: Ip4Packet): TcpSegment | null {
  const b = ip.payload;
  if (b.length < 20) return null;
  const doff = (b[12] >> 4) * 4;
  if (doff < 20 || doff > b.length) return null;
  if (!l4ChecksumOk(b, ip.src, ip.dst, IPPROTO_TCP)) return null;
  let mss: number | undefined;
  for (let i = 20; i < doff; ) {
    const kind = b[i];
    if (kind === 0) break;
    if (kind === 1) {
      i++;
      continue;
    }
    const len = b[i + 1];
    if (i + 1 >= doff || len < 2 || i + len > doff) break;
    if (kind === 2 && len === 4) mss = (b[i + 2] << 8) | b[i + 3];
    i += len;
  }
  const u32 = (o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  return {
    sport: (b[0] << 8) | b[1],
    dport: (b[2] << 8) | b[3],
    seq: u32(4),
    ack: u32(8),
    flags: b[13],
    window: (b[14] << 8) | b[15],
    mss,
    payload: b.subarray(doff),
  };
}

/** What our side sends. */
export interface TcpOut {
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly mss?: number;
  readonly payload?: Uint8Array;
}

/** Header length of `t` (20, or 24 with the MSS option). */
export function tcpHeaderLen(t: { readonly mss?: number }): number {
  return t.mss === undefined ? 20 : 24;
}

/**
 * Writes the header of `t` at `f[at]` and the checksum over it and the `plen` payload bytes the
 * caller already placed after the header (in `f`, so a segment is built in its frame, no copy).
 */
export function writeTcp(
  f: Uint8Array,
  at: number,
  t: TcpOut,
  src: number,
  dst: number,
  plen: number,
): void {
  const hlen = tcpHeaderLen(t);
  const put32 = (o: number, v: number) => {
    f[o] = v >>> 24;
    f[o + 1] = (v >>> 16) & 255;
    f[o + 2] = (v >>> 8) & 255;
    f[o + 3] = v & 255;
  };
  f[at] = t.sport >> 8;
  f[at + 1] = t.sport & 255;
  f[at + 2] = t.dport >> 8;
  f[at + 3] = t.dport & 255;
  put32(at + 4, t.seq);
  put32(at + 8, t.ack);
  f[at + 12] = (hlen / 4) << 4;
  f[at + 13] = t.flags;
  f[at + 14] = t.window >> 8;
  f[at + 15] = t.window & 255;
  f[at + 16] = 0;
  f[at + 17] = 0;
  f[at + 18] = 0;
  f[at + 19] = 0;
  if (t.mss !== undefined) {
    f[at + 20] = 2;
    f[at + 21] = 4;
    f[at + 22] = t.mss >> 8;
    f[at + 23] = t.mss & 255;
  }
  const len = hlen + plen;
  const c = ~sum16(f, at, at + len, pseudoSum(src, dst, IPPROTO_TCP, len)) & 0xffff;
  f[at + 16] = c >> 8;
  f[at + 17] = c & 255;
}

/** Builds a segment with its checksum for `src` → `dst` in a buffer of its own. */
export function buildTcp(t: TcpOut, src: number, dst: number): Uint8Array {
  const hlen = tcpHeaderLen(t);
  const plen = t.payload?.length ?? 0;
  const b = new Uint8Array(hlen + plen);
  if (t.payload) b.set(t.payload, hlen);
  writeTcp(b, 0, t, src, dst, plen);
  return b;
}

/** `a - b` in sequence space (RFC 9293 §3.4): negative when a is before b. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `a + n` in sequence space. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
