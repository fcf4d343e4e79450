// UDP datagrams (RFC 768) with the IPv4 pseudo-header checksum: parse/emit exact inverses.
import type { Ipv4Addr } from '../ip';
import { get16, set16 } from './bytes';
import { checksumFinish, checksumValid, pseudoHeaderSum, RkChecksum } from './checksum';
import { RkWireError } from './error';

export const UDP_HEADER_LEN = 8;
export const IP_PROTO_UDP = 17;

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  /** The data (a view of the datagram, bounded by the length field). */
  payload: Uint8Array;
}

/**
 * Parses and verifies a datagram received from `src` to `dst` (a zero checksum means "none", RFC 768).
 * @returns the record or an RkWireError.
 */
export function parseUdp(buf: Uint8Array, src: Ipv4Addr, dst: Ipv4Addr): UdpRepr | RkWireError {
  if (buf.length < UDP_HEADER_LEN)
    return new RkWireError('udp', 'header', `${buf.length} bytes, need ${UDP_HEADER_LEN}`);
  const len = get16(buf, 4);
  if (len < UDP_HEADER_LEN || len > buf.length)
    return new RkWireError('udp', 'length', `${len}, the datagram holds ${buf.length} bytes`);
  const dstPort = get16(buf, 2);
  if (dstPort === 0) return new RkWireError('udp', 'destination port', '0 is reserved');
  if (get16(buf, 6) !== 0) {
    const sum = new RkChecksum(pseudoHeaderSum(src, dst, IP_PROTO_UDP, len)).add(buf, 0, len);
    if (!checksumValid(sum.value))
      return new RkWireError('udp', 'checksum', `0x${get16(buf, 6).toString(16)} does not verify`);
  }
  return { srcPort: get16(buf, 0), dstPort, payload: buf.subarray(UDP_HEADER_LEN, len) };
}

/**
 * Writes the header for `payloadLen` bytes already at `buf[8..]` and the checksum (a computed 0 is
 * sent as 0xffff, RFC 768). @returns the datagram length.
 */
export function emitUdpHeader(
  srcPort: number,
  dstPort: number,
  payloadLen: number,
  buf: Uint8Array,
  src: Ipv4Addr,
  dst: Ipv4Addr,
): number {
  const len = UDP_HEADER_LEN + payloadLen;
  set16(buf, 0, srcPort);
  set16(buf, 2, dstPort);
  set16(buf, 4, len);
  set16(buf, 6, 0);
  const sum = new RkChecksum(pseudoHeaderSum(src, dst, IP_PROTO_UDP, len)).add(buf, 0, len);
  set16(buf, 6, checksumFinish(sum.value) || 0xffff);
  return len;
}

/** Writes header, payload and checksum. @returns the datagram length. */
export function emitUdp(repr: UdpRepr, buf: Uint8Array, src: Ipv4Addr, dst: Ipv4Addr): number {
  buf.set(repr.payload, UDP_HEADER_LEN);
  return emitUdpHeader(repr.srcPort, repr.dstPort, repr.payload.length, buf, src, dst);
}
