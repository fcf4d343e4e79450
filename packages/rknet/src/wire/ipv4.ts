// IPv4 headers (RFC 791 §3.1): parse/emit exact inverses. Options are kept as a view and skipped
// (none changes how this host handles a datagram; RFC 1122 §3.2.1.8 lets a host ignore them).
import type { Ipv4Addr } from '../ip';
import { get16, get32, set16, set32 } from './bytes';
import { checksum, checksumAdd, checksumValid } from './checksum';
import { RkWireError } from './error';

export const IPV4_HEADER_LEN = 20;
export const IPV4_MAX_OPTIONS = 40;
export const IPV4_FLAG_DF = 0x4000;
export const IPV4_FLAG_MF = 0x2000;
const FLAG_RESERVED = 0x8000;

export interface Ipv4Repr {
  /** The whole TOS byte (DSCP and ECN). */
  tos: number;
  ident: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** Fragment offset in bytes (a multiple of 8). */
  fragOffset: number;
  ttl: number;
  proto: number;
  src: Ipv4Addr;
  dst: Ipv4Addr;
  /** Option bytes (a view; a multiple of 4 long, at most 40). */
  options: Uint8Array;
  /** The datagram's data as the total length field bounds it (a view, padding excluded). */
  payload: Uint8Array;
}

/** Parses and validates a header (checksum included). @returns the record or an RkWireError. */
export function parseIpv4(buf: Uint8Array): Ipv4Repr | RkWireError {
  if (buf.length < IPV4_HEADER_LEN)
    return new RkWireError('ipv4', 'header', `${buf.length} bytes, need ${IPV4_HEADER_LEN}`);
  const version = buf[0] >> 4;
  if (version !== 4) return new RkWireError('ipv4', 'version', `${version}, need 4`);
  const hl = (buf[0] & 0xf) * 4;
  if (hl < IPV4_HEADER_LEN) return new RkWireError('ipv4', 'IHL', `${hl >> 2} words, minimum 5`);
  const total = get16(buf, 2);
  if (total < hl)
    return new RkWireError('ipv4', 'total length', `${total} is shorter than the header (${hl})`);
  if (total > buf.length)
    return new RkWireError(
      'ipv4',
      'total length',
      `${total} exceeds the ${buf.length} bytes received`,
    );
  if (!checksumValid(checksumAdd(0, buf, 0, hl)))
    return new RkWireError('ipv4', 'checksum', `0x${get16(buf, 10).toString(16)} does not verify`);
  const ff = get16(buf, 6);
  if (ff & FLAG_RESERVED) return new RkWireError('ipv4', 'flags', 'the reserved bit is set');
  if (ff & IPV4_FLAG_DF && (ff & IPV4_FLAG_MF || ff & 0x1fff))
    return new RkWireError('ipv4', 'flags', 'a fragment with DF set');
  return {
    tos: buf[1],
    ident: get16(buf, 4),
    dontFragment: (ff & IPV4_FLAG_DF) !== 0,
    moreFragments: (ff & IPV4_FLAG_MF) !== 0,
    fragOffset: (ff & 0x1fff) * 8,
    ttl: buf[8],
    proto: buf[9],
    src: get32(buf, 12),
    dst: get32(buf, 16),
    options: buf.subarray(IPV4_HEADER_LEN, hl),
    payload: buf.subarray(hl, total),
  };
}

/** Header length `repr` emits. */
export function ipv4HeaderLen(repr: Pick<Ipv4Repr, 'options'>): number {
  return IPV4_HEADER_LEN + repr.options.length;
}

/**
 * Writes the header for a payload of `payloadLen` bytes (already in place after it, or written
 * later), computing the checksum. @returns the header length.
 */
export function emitIpv4Header(
  repr: Omit<Ipv4Repr, 'payload'>,
  payloadLen: number,
  buf: Uint8Array,
): number {
  const hl = ipv4HeaderLen(repr);
  buf[0] = 0x40 | (hl >> 2);
  buf[1] = repr.tos;
  set16(buf, 2, hl + payloadLen);
  set16(buf, 4, repr.ident);
  set16(
    buf,
    6,
    (repr.dontFragment ? IPV4_FLAG_DF : 0) |
      (repr.moreFragments ? IPV4_FLAG_MF : 0) |
      (repr.fragOffset >> 3),
  );
  buf[8] = repr.ttl;
  buf[9] = repr.proto;
  set16(buf, 10, 0);
  set32(buf, 12, repr.src);
  set32(buf, 16, repr.dst);
  buf.set(repr.options, IPV4_HEADER_LEN);
  set16(buf, 10, checksum(buf, 0, hl));
  return hl;
}

/** Writes header and payload. @returns the datagram length. */
export function emitIpv4(repr: Ipv4Repr, buf: Uint8Array): number {
  const hl = emitIpv4Header(repr, repr.payload.length, buf);
  buf.set(repr.payload, hl);
  return hl + repr.payload.length;
}

/** Dotted quad of an address. */
export function formatIpv4(a: Ipv4Addr): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** Parses a dotted quad. @returns the address, or null when `s` is not one. */
export function parseIpv4Addr(s: string): Ipv4Addr | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return null;
  return ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
}
