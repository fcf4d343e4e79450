// DHCPv4 messages (RFC 2131 §2 format, RFC 2132 options): the fields and the options a client
// uses, parse/emit exact inverses for what emit writes (unknown options are skipped on parse).
import type { Ipv4Addr } from '../ip';
import { get16, get32, get48, set16, set32, set48 } from './bytes';
import { RkWireError } from './error';
import type { MacAddr } from './ethernet';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
const FIXED_LEN = 236;
const MAGIC = 0x63825363;
/** Shortest message emit produces (BOOTP's 300 bytes, which some servers still expect). */
export const DHCP_MIN_LEN = 300;

export const DHCPDISCOVER = 1;
export const DHCPOFFER = 2;
export const DHCPREQUEST = 3;
export const DHCPDECLINE = 4;
export const DHCPACK = 5;
export const DHCPNAK = 6;
export const DHCPRELEASE = 7;

const OPT_PAD = 0;
const OPT_SUBNET = 1;
const OPT_ROUTER = 3;
const OPT_DNS = 6;
const OPT_HOSTNAME = 12;
const OPT_REQUESTED_IP = 50;
const OPT_LEASE = 51;
const OPT_MSG_TYPE = 53;
const OPT_SERVER_ID = 54;
const OPT_PARAMS = 55;
const OPT_MAX_SIZE = 57;
const OPT_RENEWAL = 58;
const OPT_REBINDING = 59;
const OPT_CLIENT_ID = 61;
const OPT_END = 255;

export interface DhcpRepr {
  /** 1 = BOOTREQUEST, 2 = BOOTREPLY. */
  op: number;
  xid: number;
  secs: number;
  broadcast: boolean;
  ciaddr: Ipv4Addr;
  yiaddr: Ipv4Addr;
  siaddr: Ipv4Addr;
  giaddr: Ipv4Addr;
  chaddr: MacAddr;
  messageType: number;
  serverId: Ipv4Addr | null;
  requestedIp: Ipv4Addr | null;
  subnetMask: Ipv4Addr | null;
  routers: Ipv4Addr[];
  dns: Ipv4Addr[];
  /** Seconds; null when absent. */
  leaseTime: number | null;
  renewalTime: number | null;
  rebindingTime: number | null;
  paramRequest: number[];
  maxSize: number | null;
  /** Client identifier as type 1 + MAC (RFC 2132 §9.14) when sent. */
  clientId: MacAddr | null;
  hostname: string | null;
}

const err = (field: string, reason: string) => new RkWireError('dhcp', field, reason);

/** Parses a message (UDP payload). @returns the record or an RkWireError. */
export function parseDhcp(buf: Uint8Array): DhcpRepr | RkWireError {
  if (buf.length < FIXED_LEN + 4)
    return err('message', `${buf.length} bytes, need ${FIXED_LEN + 4}`);
  if (buf[0] !== 1 && buf[0] !== 2) return err('op', `${buf[0]}, need 1 or 2`);
  if (buf[1] !== 1 || buf[2] !== 6)
    return err('htype/hlen', `${buf[1]}/${buf[2]}, only Ethernet (1/6)`);
  if (get32(buf, FIXED_LEN) !== MAGIC)
    return err('magic cookie', `0x${get32(buf, FIXED_LEN).toString(16)}`);
  const r: DhcpRepr = {
    op: buf[0],
    xid: get32(buf, 4),
    secs: get16(buf, 8),
    broadcast: (get16(buf, 10) & 0x8000) !== 0,
    ciaddr: get32(buf, 12),
    yiaddr: get32(buf, 16),
    siaddr: get32(buf, 20),
    giaddr: get32(buf, 24),
    chaddr: get48(buf, 28),
    messageType: 0,
    serverId: null,
    requestedIp: null,
    subnetMask: null,
    routers: [],
    dns: [],
    leaseTime: null,
    renewalTime: null,
    rebindingTime: null,
    paramRequest: [],
    maxSize: null,
    clientId: null,
    hostname: null,
  };
  let i = FIXED_LEN + 4;
  for (;;) {
    if (i >= buf.length) return err('options', 'no end option');
    const code = buf[i++];
    if (code === OPT_END) break;
    if (code === OPT_PAD) continue;
    if (i >= buf.length) return err('options', `option ${code} has no length`);
    const len = buf[i++];
    if (i + len > buf.length)
      return err('options', `option ${code} of ${len} bytes overruns the message`);
    const v = buf.subarray(i, i + len);
    i += len;
    const bad = option(r, code, v);
    if (bad) return err(`option ${code}`, bad);
  }
  if (r.messageType < 1 || r.messageType > 8) return err('option 53', 'no valid message type');
  return r;
}

/** Applies one option to `r`. @returns a reason when its length is wrong, else null. */
function option(r: DhcpRepr, code: number, v: Uint8Array): string | null {
  const addr = () => (v.length === 4 ? get32(v, 0) : null);
  const list = () => {
    const out: Ipv4Addr[] = [];
    for (let j = 0; j + 4 <= v.length; j += 4) out.push(get32(v, j));
    return out;
  };
  const need = (n: number) => (v.length === n ? null : `length ${v.length}, need ${n}`);
  const multiple4 = () =>
    v.length > 0 && v.length % 4 === 0 ? null : `length ${v.length}, need 4n`;
  switch (code) {
    case OPT_MSG_TYPE:
      r.messageType = v[0] ?? 0;
      return need(1);
    case OPT_SERVER_ID:
      r.serverId = addr();
      return need(4);
    case OPT_REQUESTED_IP:
      r.requestedIp = addr();
      return need(4);
    case OPT_SUBNET:
      r.subnetMask = addr();
      return need(4);
    case OPT_ROUTER:
      r.routers = list();
      return multiple4();
    case OPT_DNS:
      r.dns = list();
      return multiple4();
    case OPT_LEASE:
    case OPT_RENEWAL:
    case OPT_REBINDING: {
      const t = v.length === 4 ? get32(v, 0) : null;
      if (code === OPT_LEASE) r.leaseTime = t;
      else if (code === OPT_RENEWAL) r.renewalTime = t;
      else r.rebindingTime = t;
      return need(4);
    }
    case OPT_PARAMS:
      r.paramRequest = [...v];
      return null;
    case OPT_MAX_SIZE:
      r.maxSize = v.length === 2 ? get16(v, 0) : null;
      return need(2);
    case OPT_CLIENT_ID:
      if (v.length === 7 && v[0] === 1) r.clientId = get48(v, 1);
      return null;
    case OPT_HOSTNAME:
      r.hostname = String.fromCharCode(...v);
      return v.length > 0 ? null : 'empty';
    default:
      return null;
  }
}

/** Bytes `emitDhcp` writes for `r`. */
export function dhcpLen(r: DhcpRepr): number {
  let n = FIXED_LEN + 4 + 3 + 1;
  if (r.serverId !== null) n += 6;
  if (r.requestedIp !== null) n += 6;
  if (r.subnetMask !== null) n += 6;
  if (r.routers.length) n += 2 + 4 * r.routers.length;
  if (r.dns.length) n += 2 + 4 * r.dns.length;
  for (const t of [r.leaseTime, r.renewalTime, r.rebindingTime]) if (t !== null) n += 6;
  if (r.paramRequest.length) n += 2 + r.paramRequest.length;
  if (r.maxSize !== null) n += 4;
  if (r.clientId !== null) n += 9;
  if (r.hostname !== null) n += 2 + r.hostname.length;
  return Math.max(n, DHCP_MIN_LEN);
}

/** Writes the message (zero padded to 300 bytes). @returns its length. */
export function emitDhcp(r: DhcpRepr, buf: Uint8Array): number {
  const total = dhcpLen(r);
  buf.fill(0, 0, total);
  buf[0] = r.op;
  buf[1] = 1;
  buf[2] = 6;
  set32(buf, 4, r.xid);
  set16(buf, 8, r.secs);
  set16(buf, 10, r.broadcast ? 0x8000 : 0);
  set32(buf, 12, r.ciaddr);
  set32(buf, 16, r.yiaddr);
  set32(buf, 20, r.siaddr);
  set32(buf, 24, r.giaddr);
  set48(buf, 28, r.chaddr);
  set32(buf, FIXED_LEN, MAGIC);
  let i = FIXED_LEN + 4;
  const put = (code: number, bytes: number[]) => {
    buf[i++] = code;
    buf[i++] = bytes.length;
    for (const b of bytes) buf[i++] = b;
  };
  const be32 = (x: number) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255];
  put(OPT_MSG_TYPE, [r.messageType]);
  if (r.serverId !== null) put(OPT_SERVER_ID, be32(r.serverId));
  if (r.requestedIp !== null) put(OPT_REQUESTED_IP, be32(r.requestedIp));
  if (r.subnetMask !== null) put(OPT_SUBNET, be32(r.subnetMask));
  if (r.routers.length) put(OPT_ROUTER, r.routers.flatMap(be32));
  if (r.dns.length) put(OPT_DNS, r.dns.flatMap(be32));
  if (r.leaseTime !== null) put(OPT_LEASE, be32(r.leaseTime));
  if (r.renewalTime !== null) put(OPT_RENEWAL, be32(r.renewalTime));
  if (r.rebindingTime !== null) put(OPT_REBINDING, be32(r.rebindingTime));
  if (r.paramRequest.length) put(OPT_PARAMS, r.paramRequest);
  if (r.maxSize !== null) put(OPT_MAX_SIZE, [r.maxSize >>> 8, r.maxSize & 255]);
  if (r.clientId !== null) {
    const m = new Uint8Array(6);
    set48(m, 0, r.clientId);
    put(OPT_CLIENT_ID, [1, ...m]);
  }
  if (r.hostname !== null)
    put(
      OPT_HOSTNAME,
      [...r.hostname].map((c) => c.charCodeAt(0) & 255),
    );
  buf[i++] = OPT_END;
  return total;
}

/** The parameter request list a client sends: mask, router, DNS, lease/renewal/rebinding times. */
export const DHCP_PARAMS_WANTED = [
  OPT_SUBNET,
  OPT_ROUTER,
  OPT_DNS,
  OPT_LEASE,
  OPT_RENEWAL,
  OPT_REBINDING,
];
