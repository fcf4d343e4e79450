// The DHCP server of `-netdev user` (RFC 2131/2132, BOOTP RFC 951) as QEMU 7.2's slirp answers:
// 16 addresses from dhcpstart, one per MAC; OFFER/ACK with server id, netmask, router and DNS
// (these two omitted under restrict=on), lease 86400 s; NAK for an address it cannot give; replies
// broadcast from the gateway with TOS 0x10 in a 548-byte BOOTP message.
import { IP4_BROADCAST, readIp4, writeIp4 } from './addr';
import type { UserNetConfig } from './config';

export const BOOTP_SERVER = 67;
export const BOOTP_CLIENT = 68;
/** Addresses handed out (slirp NB_BOOTP_CLIENTS). */
export const DHCP_CLIENTS = 16;
export const DHCP_LEASE_S = 86400;
const DISCOVER = 1;
const OFFER = 2;
const REQUEST = 3;
const ACK_ = 5;
const NAK = 6;
const COOKIE = [99, 130, 83, 99];
/** sizeof(struct bootp_t) minus the IP and UDP headers: slirp always sends this many bytes. */
const REPLY_LEN = 548;
const NAK_MSG = 'requested address not available';

interface Request {
  readonly type: number;
  readonly xid: Uint8Array;
  readonly mac: Uint8Array;
  readonly requested: number;
}

function parseRequest(b: Uint8Array): Request | null {
  if (b.length < 240 || b[0] !== 1) return null;
  let type = 0;
  let requested = 0;
  if (COOKIE.every((c, i) => b[236 + i] === c)) {
    for (let o = 240; o < b.length; ) {
      const tag = b[o];
      if (tag === 0) {
        o++;
        continue;
      }
      if (tag === 255 || o + 1 >= b.length) break;
      const len = b[o + 1];
      if (o + 2 + len > b.length) break;
      if (tag === 53 && len >= 1) type = b[o + 2];
      if (tag === 50 && len >= 4) requested = readIp4(b, o + 2);
      o += 2 + len;
    }
  }
  if (type === 0) type = REQUEST; // old BOOTP clients get an answer too
  if (type === REQUEST && requested === 0) requested = readIp4(b, 12); // ciaddr
  return { type, xid: b.subarray(4, 8), mac: b.subarray(28, 34), requested };
}

const macKey = (m: Uint8Array) => Array.from(m, (x) => x.toString(16)).join(':');

export class DhcpServer {
  /** Lease holder (MAC) per address index. */
  private readonly leases: (string | null)[] = new Array(DHCP_CLIENTS).fill(null);

  constructor(private readonly cfg: UserNetConfig) {}

  private indexOf(addr: number): number {
    const i = (addr - this.cfg.dhcpStart) | 0;
    return i >= 0 && i < DHCP_CLIENTS ? i : -1;
  }

  private assign(mac: string, requested: number): number | null {
    const i = this.indexOf(requested);
    if (requested !== 0 && i >= 0 && (this.leases[i] === null || this.leases[i] === mac)) {
      this.leases[i] = mac;
      return requested;
    }
    return null;
  }

  private newAddr(mac: string): number | null {
    let i = this.leases.indexOf(mac);
    if (i < 0) i = this.leases.indexOf(null);
    if (i < 0) return null;
    this.leases[i] = mac;
    return (this.cfg.dhcpStart + i) >>> 0;
  }

  /**
   * Answers one BOOTP/DHCP message from the guest.
   * @returns the reply's BOOTP payload and the address it concerns (to learn the guest's MAC), or
   * null when there is nothing to say (not a request, RELEASE/DECLINE/INFORM, pool exhausted).
   */
  handle(msg: Uint8Array): { reply: Uint8Array; yiaddr: number; mac: Uint8Array } | null {
    const q = parseRequest(msg);
    if (!q || (q.type !== DISCOVER && q.type !== REQUEST)) return null;
    const mac = macKey(q.mac);
    let addr: number | null;
    if (q.type === DISCOVER) addr = this.assign(mac, q.requested) ?? this.newAddr(mac);
    else if (q.requested !== 0) addr = this.assign(mac, q.requested);
    else addr = this.newAddr(mac);
    if (q.type === DISCOVER && addr === null) return null;
    const r = new Uint8Array(REPLY_LEN);
    r.set([2, 1, 6], 0);
    r.set(q.xid, 4);
    writeIp4(r, 16, addr ?? IP4_BROADCAST);
    writeIp4(r, 20, this.cfg.host);
    r.set(q.mac, 28);
    r.set(COOKIE, 236);
    let o = 240;
    const opt = (tag: number, bytes: ArrayLike<number>) => {
      r[o] = tag;
      r[o + 1] = bytes.length;
      r.set(bytes, o + 2);
      o += 2 + bytes.length;
    };
    const ip = (a: number) => [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255];
    const text = (s: string) => new TextEncoder().encode(s).subarray(0, 255);
    if (addr !== null) {
      opt(53, [q.type === DISCOVER ? OFFER : ACK_]);
      opt(54, ip(this.cfg.host));
      opt(1, ip(this.cfg.mask));
      if (!this.cfg.restrict) {
        opt(3, ip(this.cfg.host));
        opt(6, ip(this.cfg.dns));
      }
      opt(51, ip(DHCP_LEASE_S));
      if (this.cfg.hostname && o + this.cfg.hostname.length + 2 < REPLY_LEN)
        opt(12, text(this.cfg.hostname));
      if (this.cfg.domainname && o + this.cfg.domainname.length + 2 < REPLY_LEN)
        opt(15, text(this.cfg.domainname));
    } else {
      opt(53, [NAK]);
      opt(56, text(NAK_MSG));
    }
    r[o] = 255;
    return { reply: r, yiaddr: addr ?? IP4_BROADCAST, mac: Uint8Array.from(q.mac) };
  }
}
