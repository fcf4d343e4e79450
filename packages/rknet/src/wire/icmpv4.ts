// ICMPv4 messages (RFC 792, RFC 1191 for the next-hop MTU): one record for every type — the 4-byte
// "rest of header" kept as a number, the data as a view — so parse and emit are exact inverses.
import { get16, get32, set16, set32 } from './bytes';
import { checksum, checksumAdd, checksumValid } from './checksum';
import { RkWireError } from './error';

export const ICMP_HEADER_LEN = 8;
export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAM_PROBLEM = 12;
/** Destination-unreachable codes (RFC 792, RFC 1122 §3.2.2.1). */
export const ICMP_NET_UNREACH = 0;
export const ICMP_HOST_UNREACH = 1;
export const ICMP_PROTO_UNREACH = 2;
export const ICMP_PORT_UNREACH = 3;
export const ICMP_FRAG_NEEDED = 4;
/** Time-exceeded codes. */
export const ICMP_EXC_TTL = 0;
export const ICMP_EXC_FRAGTIME = 1;

export interface IcmpRepr {
  type: number;
  code: number;
  /** The second header word: echo identifier<<16 | sequence, the next-hop MTU, or unused. */
  rest: number;
  /** The data after the header (echo data, or the quoted IP header + 8 bytes); a view. */
  data: Uint8Array;
}

/** Parses and verifies a message. @returns the record or an RkWireError. */
export function parseIcmp(buf: Uint8Array): IcmpRepr | RkWireError {
  if (buf.length < ICMP_HEADER_LEN)
    return new RkWireError('icmp', 'header', `${buf.length} bytes, need ${ICMP_HEADER_LEN}`);
  if (!checksumValid(checksumAdd(0, buf)))
    return new RkWireError('icmp', 'checksum', `0x${get16(buf, 2).toString(16)} does not verify`);
  return { type: buf[0], code: buf[1], rest: get32(buf, 4), data: buf.subarray(ICMP_HEADER_LEN) };
}

/** Writes header and data with the checksum. @returns the message length. */
export function emitIcmp(repr: IcmpRepr, buf: Uint8Array): number {
  const n = ICMP_HEADER_LEN + repr.data.length;
  buf[0] = repr.type;
  buf[1] = repr.code;
  set16(buf, 2, 0);
  set32(buf, 4, repr.rest);
  buf.set(repr.data, ICMP_HEADER_LEN);
  set16(buf, 2, checksum(buf, 0, n));
  return n;
}

/** True for the error types that quote an offending datagram (RFC 1122 §3.2.2). */
export function isIcmpError(type: number): boolean {
  return (
    type === ICMP_DEST_UNREACH ||
    type === ICMP_TIME_EXCEEDED ||
    type === ICMP_PARAM_PROBLEM ||
    type === 4 ||
    type === 5
  );
}
