// ARP for IPv4 over Ethernet (RFC 826): parse/emit exact inverses of the 28-byte packet.
import type { Ipv4Addr } from '../ip';
import { get16, get32, get48, set16, set32, set48 } from './bytes';
import { RkWireError } from './error';
import type { MacAddr } from './ethernet';

export const ARP_LEN = 28;
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
const HTYPE_ETHERNET = 1;

export interface ArpRepr {
  op: number;
  sha: MacAddr;
  spa: Ipv4Addr;
  tha: MacAddr;
  tpa: Ipv4Addr;
}

/** Parses an ARP packet (trailing Ethernet padding ignored). @returns the record or an RkWireError. */
export function parseArp(buf: Uint8Array): ArpRepr | RkWireError {
  if (buf.length < ARP_LEN)
    return new RkWireError('arp', 'packet', `${buf.length} bytes, need ${ARP_LEN}`);
  const htype = get16(buf, 0);
  if (htype !== HTYPE_ETHERNET)
    return new RkWireError('arp', 'hardware type', `${htype}, only Ethernet (1) is handled`);
  const ptype = get16(buf, 2);
  if (ptype !== 0x0800)
    return new RkWireError('arp', 'protocol type', `0x${ptype.toString(16)}, only IPv4 (0x800)`);
  if (buf[4] !== 6 || buf[5] !== 4)
    return new RkWireError('arp', 'address lengths', `hlen ${buf[4]} plen ${buf[5]}, need 6 and 4`);
  const op = get16(buf, 6);
  if (op !== ARP_REQUEST && op !== ARP_REPLY)
    return new RkWireError('arp', 'operation', `${op}, need 1 (request) or 2 (reply)`);
  return {
    op,
    sha: get48(buf, 8),
    spa: get32(buf, 14),
    tha: get48(buf, 18),
    tpa: get32(buf, 24),
  };
}

/** Writes the packet into `buf[0..28)`. @returns 28. */
export function emitArp(repr: ArpRepr, buf: Uint8Array): number {
  set16(buf, 0, HTYPE_ETHERNET);
  set16(buf, 2, 0x0800);
  buf[4] = 6;
  buf[5] = 4;
  set16(buf, 6, repr.op);
  set48(buf, 8, repr.sha);
  set32(buf, 14, repr.spa);
  set48(buf, 18, repr.tha);
  set32(buf, 24, repr.tpa);
  return ARP_LEN;
}
