// A DNS stub resolver (RFC 1035 §7, RFC 1123 §6.1.3): A queries with recursion desired to the
// configured servers in turn over UDP, retrying with a doubling timeout, answers cached for their
// TTL. Runs in the calling thread (it parks on its socket), like getaddrinfo.
import { Errno } from '@runikraft/errno';
import type { Ipv4Addr } from '../ip';
import { get32 } from '../wire/bytes';
import {
  DNS_CLASS_IN,
  DNS_PORT,
  DNS_RCODE_NXDOMAIN,
  DNS_TYPE_A,
  dnsLen,
  dnsNameProblem,
  emitDns,
  parseDns,
} from '../wire/dns';
import { isWireError } from '../wire/error';
import { parseIpv4Addr } from '../wire/ipv4';
import type { RkSocket } from './api';
import { AF_INET, SO_RCVTIMEO, SOL_SOCKET } from './consts';

export interface RkDnsOptions {
  /** First wait for an answer (ms), doubled per round; rounds over all servers. */
  readonly timeoutMs?: number;
  readonly attempts?: number;
}

interface CacheEntry {
  addrs: Ipv4Addr[];
  expires: number;
}

export class RkDnsResolver {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    /** A fresh UDP socket (SOCK_DGRAM) or -errno. */
    private readonly socket: () => RkSocket | number,
    /** The servers to ask, in order (from netdev.ip= or DHCP). */
    private readonly servers: () => readonly Ipv4Addr[],
    /** Milliseconds of guest time, for the cache. */
    private readonly now: () => number,
    private readonly random: () => number,
    private readonly opts: RkDnsOptions = {},
  ) {}

  /**
   * The IPv4 addresses of `name` (a dotted quad resolves to itself). Parks the caller.
   * @returns the addresses, or -EINVAL (not a valid name), -EHOSTUNREACH (no DNS server
   * configured), -ENOENT (NXDOMAIN or no A record), -EAGAIN (servers failed, SERVFAIL/REFUSED),
   * -ETIMEDOUT (no answer), or a socket error.
   */
  async resolve(name: string): Promise<Ipv4Addr[] | number> {
    const literal = parseIpv4Addr(name);
    if (literal !== null) return [literal];
    const qname = name.endsWith('.') ? name.slice(0, -1) : name;
    if (qname === '' || dnsNameProblem(qname)) return -Errno.EINVAL;
    const key = qname.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.now()) return hit.addrs.slice();
    const servers = this.servers();
    if (servers.length === 0) return -Errno.EHOSTUNREACH;
    const s = this.socket();
    if (typeof s === 'number') return s;
    try {
      return await this.query(s, qname, key, servers);
    } finally {
      s.close();
    }
  }

  private async query(s: RkSocket, qname: string, key: string, servers: readonly Ipv4Addr[]) {
    const attempts = this.opts.attempts ?? 3;
    let wait = this.opts.timeoutMs ?? 1000;
    let last = -Errno.ETIMEDOUT;
    const reply = new Uint8Array(1500);
    const from = { addr: 0, port: 0 };
    for (let round = 0; round < attempts; round++, wait *= 2) {
      for (const server of servers) {
        const id = Math.floor(this.random() * 0x10000) & 0xffff;
        const q = {
          id,
          response: false,
          opcode: 0,
          authoritative: false,
          truncated: false,
          recursionDesired: true,
          recursionAvailable: false,
          rcode: 0,
          questions: [{ name: qname, type: DNS_TYPE_A, class: DNS_CLASS_IN }],
          answers: [],
          authorities: [],
          additionals: [],
        };
        const buf = new Uint8Array(dnsLen(q));
        emitDns(q, buf);
        const sent = await s.sendto(buf, 0, { family: AF_INET, addr: server, port: DNS_PORT });
        if (sent < 0) {
          last = sent;
          continue;
        }
        const deadline = this.now() + wait;
        for (;;) {
          const left = Math.ceil(deadline - this.now());
          if (left <= 0) break;
          s.setsockopt(SOL_SOCKET, SO_RCVTIMEO, left);
          const n = await s.recvfrom(reply, 0, from);
          if (n === -Errno.EAGAIN) break;
          if (n < 0) {
            last = n; // e.g. ECONNREFUSED: nothing listens on the server's port 53
            break;
          }
          if (from.addr !== server || from.port !== DNS_PORT) continue;
          const m = parseDns(reply.subarray(0, n));
          if (isWireError(m) || !m.response || m.id !== id) continue;
          if (m.questions[0]?.name.toLowerCase() !== key) continue;
          if (m.rcode === DNS_RCODE_NXDOMAIN) return -Errno.ENOENT;
          if (m.rcode !== 0) {
            last = -Errno.EAGAIN;
            break;
          }
          const a = m.answers.filter(
            (r) => r.type === DNS_TYPE_A && r.class === DNS_CLASS_IN && r.data.length === 4,
          );
          if (a.length === 0) return -Errno.ENOENT;
          const addrs = a.map((r) => get32(r.data, 0));
          const ttl = Math.min(...a.map((r) => r.ttl));
          this.cache.set(key, { addrs, expires: this.now() + ttl * 1000 });
          return addrs.slice();
        }
      }
    }
    return last;
  }
}
