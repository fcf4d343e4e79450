// Ethernet II frames (IEEE 802.3 clause 3.2 with an EtherType): parse/emit exact inverses. MAC
// addresses are 48-bit numbers (exact in a double; no allocation, usable as Map keys).
import { get16, get48, set16, set48 } from './bytes';
import { RkWireError } from './error';

/** A MAC address as a number: 52:55:0a:00:02:02 = 0x52550a000202. */
export type MacAddr = number;

export const ETH_HEADER_LEN = 14;
/** Shortest frame on the wire without FCS; shorter ones are padded (IEEE 802.3 §3.2.8). */
export const ETH_MIN_FRAME = 60;
export const ETH_BROADCAST: MacAddr = 0xffff_ffff_ffff;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;

export interface EthernetRepr {
  dst: MacAddr;
  src: MacAddr;
  ethertype: number;
  /** The bytes after the header (a view of the frame, no copy; may include padding). */
  payload: Uint8Array;
}

/** Parses a frame. @returns the record (payload is a view) or an RkWireError. */
export function parseEthernet(buf: Uint8Array): EthernetRepr | RkWireError {
  if (buf.length < ETH_HEADER_LEN)
    return new RkWireError('ethernet', 'header', `${buf.length} bytes, need ${ETH_HEADER_LEN}`);
  const ethertype = get16(buf, 12);
  if (ethertype < 0x0600)
    return new RkWireError(
      'ethernet',
      'ethertype',
      `0x${ethertype.toString(16)} is an 802.3 length, not Ethernet II`,
    );
  return {
    dst: get48(buf, 0),
    src: get48(buf, 6),
    ethertype,
    payload: buf.subarray(ETH_HEADER_LEN),
  };
}

/** Writes the header of `repr` at `buf[0..14)` (the payload is expected in place after it). */
export function emitEthernetHeader(repr: Omit<EthernetRepr, 'payload'>, buf: Uint8Array): void {
  set48(buf, 0, repr.dst);
  set48(buf, 6, repr.src);
  set16(buf, 12, repr.ethertype);
}

/** Writes header and payload; @returns the frame length (14 + payload). */
export function emitEthernet(repr: EthernetRepr, buf: Uint8Array): number {
  emitEthernetHeader(repr, buf);
  buf.set(repr.payload, ETH_HEADER_LEN);
  return ETH_HEADER_LEN + repr.payload.length;
}

/** "52:55:0a:00:02:02" */
export function formatMac(mac: MacAddr): string {
  return mac
    .toString(16)
    .padStart(12, '0')
    .replace(/(..)(?!$)/g, '$1:');
}

/** A MAC from the 6 bytes a device reports. */
export function macFromBytes(b: Uint8Array): MacAddr {
  return get48(b, 0);
}

/** True for group (multicast/broadcast) addresses: the I/G bit of the first octet. */
export function isMulticastMac(mac: MacAddr): boolean {
  return Math.floor(mac / 0x100_0000_0000) % 2 === 1;
}
