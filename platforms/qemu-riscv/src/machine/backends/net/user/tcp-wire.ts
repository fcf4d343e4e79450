// TCP segments (RFC 9293 §3.1) for the slirp side: parse the guest's (MSS option only; others are
// skipped safely) and build ours (MSS on SYN, no window scaling, as QEMU 7.2's slirp).
import { IPPROTO_TCP, type Ip4Packet, l4ChecksumOk, setL4Checksum } from './wire';

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

/** Builds a segment with its checksum for `src` → `dst`. */
export function buildTcp(t: TcpOut, src: number, dst: number): Uint8Array {
  const hlen = t.mss === undefined ? 20 : 24;
  const plen = t.payload?.length ?? 0;
  const b = new Uint8Array(hlen + plen);
  b[0] = t.sport >> 8;
  b[1] = t.sport & 255;
  b[2] = t.dport >> 8;
  b[3] = t.dport & 255;
  const put32 = (o: number, v: number) => {
    b[o] = v >>> 24;
    b[o + 1] = (v >>> 16) & 255;
    b[o + 2] = (v >>> 8) & 255;
    b[o + 3] = v & 255;
  };
  put32(4, t.seq);
  put32(8, t.ack);
  b[12] = (hlen / 4) << 4;
  b[13] = t.flags;
  b[14] = t.window >> 8;
  b[15] = t.window & 255;
  if (t.mss !== undefined) b.set([2, 4, t.mss >> 8, t.mss & 255], 20);
  if (t.payload) b.set(t.payload, hlen);
  setL4Checksum(b, src, dst, IPPROTO_TCP);
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
