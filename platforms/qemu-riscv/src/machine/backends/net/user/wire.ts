// Ethernet II, IPv4 (RFC 791), UDP (RFC 768) and the Internet checksum (RFC 1071) as slirp needs
// them: a lenient parser for untrusted guest frames (null instead of throwing) and packet builders.
import { readIp4, writeIp4 } from './addr';

export const ETH_HLEN = 14;
/** Where the transport header starts in the frames slirp builds (no IP options). */
export const L4_OFF = ETH_HLEN + 20;
export const ETHERTYPE_IP4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
/** slirp pads short frames to the Ethernet minimum without FCS (ETH_ZLEN). */
export const ETH_ZLEN = 60;

/**
 * Ones'-complement sum of `b[off, end)` folded to 16 bits, starting from `sum`. The high and low
 * bytes of the 16-bit words are summed apart, 16 bytes a turn (no shift per word; ~3× the plain
 * word loop), and joined once: exact, since both sums stay far below 2^53.
 */
export function sum16(b: Uint8Array, off: number, end: number, sum = 0): number {
  let hi = 0;
  let lo = 0;
  let i = off;
  for (const e = off + ((end - off) & ~15); i < e; i += 16) {
    hi += b[i] + b[i + 2] + b[i + 4] + b[i + 6] + b[i + 8] + b[i + 10] + b[i + 12] + b[i + 14];
    lo += b[i + 1] + b[i + 3] + b[i + 5] + b[i + 7] + b[i + 9] + b[i + 11] + b[i + 13] + b[i + 15];
  }
  for (; i + 1 < end; i += 2) {
    hi += b[i];
    lo += b[i + 1];
  }
  if (i < end) hi += b[i];
  let s = sum + hi * 256 + lo;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

/** The pseudo-header sum for a TCP/UDP checksum (RFC 793 §3.1, RFC 768). */
export function pseudoSum(src: number, dst: number, proto: number, len: number): number {
  let s = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + len;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** A validated IPv4 packet inside a frame; `payload` is a view of the frame (no copy). */
export interface Ip4Packet {
  readonly src: number;
  readonly dst: number;
  readonly proto: number;
  readonly ttl: number;
  readonly tos: number;
  /** The DF bit. */
  readonly dontFragment: boolean;
  /** More-fragments set or a non-zero offset: slirp here does not reassemble. */
  readonly fragment: boolean;
  /** The header (for ICMP errors quoting it). */
  readonly header: Uint8Array;
  readonly payload: Uint8Array;
}

/**
 * Parses the IPv4 packet at `off` of `frame`: version 4, header length ≥ 20, total length within the
 * frame (trailing padding ignored), header checksum correct. @returns the packet, or null if malformed.
 */
export function parseIp4(frame: Uint8Array, off: number): Ip4Packet | null {
  if (frame.length < off + 20) return null;
  const vihl = frame[off];
  const ihl = (vihl & 15) * 4;
  const total = (frame[off + 2] << 8) | frame[off + 3];
  if (vihl >> 4 !== 4 || ihl < 20 || total < ihl || off + total > frame.length) return null;
  if (sum16(frame, off, off + ihl) !== 0xffff) return null;
  const fl = (frame[off + 6] << 8) | frame[off + 7];
  return {
    src: readIp4(frame, off + 12),
    dst: readIp4(frame, off + 16),
    proto: frame[off + 9],
    ttl: frame[off + 8],
    tos: frame[off + 1],
    dontFragment: (fl & 0x4000) !== 0,
    fragment: (fl & 0x3fff) !== 0,
    header: frame.subarray(off, off + ihl),
    payload: frame.subarray(off + ihl, off + total),
  };
}

/** Per-packet IPv4 header fields slirp varies. */
export interface Ip4Out {
  readonly src: number;
  readonly dst: number;
  readonly proto: number;
  readonly ttl?: number;
  readonly tos?: number;
  readonly dontFragment?: boolean;
}

/**
 * Builds an Ethernet frame carrying an IPv4 packet whose payload (`len` bytes) the caller writes at
 * `ETH_HLEN + 20`. MACs are filled in by the router. @returns the frame (padded to ETH_ZLEN).
 */
export function ip4Frame(h: Ip4Out, id: number, len: number): Uint8Array {
  const f = new Uint8Array(Math.max(ETH_ZLEN, ETH_HLEN + 20 + len));
  f[12] = ETHERTYPE_IP4 >> 8;
  f[13] = ETHERTYPE_IP4 & 255;
  const o = ETH_HLEN;
  f[o] = 0x45;
  f[o + 1] = h.tos ?? 0;
  f[o + 2] = (20 + len) >> 8;
  f[o + 3] = (20 + len) & 255;
  f[o + 4] = (id >> 8) & 255;
  f[o + 5] = id & 255;
  f[o + 6] = h.dontFragment ? 0x40 : 0;
  f[o + 8] = h.ttl ?? 64;
  f[o + 9] = h.proto;
  writeIp4(f, o + 12, h.src);
  writeIp4(f, o + 16, h.dst);
  const c = ~sum16(f, o, o + 20) & 0xffff;
  f[o + 10] = c >> 8;
  f[o + 11] = c & 255;
  return f;
}

/** Writes a transport checksum (TCP at +16, UDP at +6) over `seg` with the pseudo-header. */
export function setL4Checksum(seg: Uint8Array, src: number, dst: number, proto: number): void {
  const at = proto === IPPROTO_TCP ? 16 : 6;
  seg[at] = 0;
  seg[at + 1] = 0;
  let c = ~sum16(seg, 0, seg.length, pseudoSum(src, dst, proto, seg.length)) & 0xffff;
  if (proto === IPPROTO_UDP && c === 0) c = 0xffff;
  seg[at] = c >> 8;
  seg[at + 1] = c & 255;
}

/** True if the TCP/UDP checksum of `seg` is right (a zero UDP checksum means none, RFC 768). */
export function l4ChecksumOk(seg: Uint8Array, src: number, dst: number, proto: number): boolean {
  if (proto === IPPROTO_UDP && seg[6] === 0 && seg[7] === 0) return true;
  return sum16(seg, 0, seg.length, pseudoSum(src, dst, proto, seg.length)) === 0xffff;
}

/** A parsed UDP datagram; `payload` is a view. */
export interface UdpDatagram {
  readonly sport: number;
  readonly dport: number;
  readonly payload: Uint8Array;
}

/** Parses and checks a UDP header over the IP payload. @returns null if malformed. */
export function parseUdp(ip: Ip4Packet): UdpDatagram | null {
  const b = ip.payload;
  if (b.length < 8) return null;
  const len = (b[4] << 8) | b[5];
  if (len < 8 || len > b.length) return null;
  if (!l4ChecksumOk(b.subarray(0, len), ip.src, ip.dst, IPPROTO_UDP)) return null;
  return { sport: (b[0] << 8) | b[1], dport: (b[2] << 8) | b[3], payload: b.subarray(8, len) };
}
