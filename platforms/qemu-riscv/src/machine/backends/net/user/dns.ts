// The DNS forwarder at 10.0.2.3 (QEMU's vnameserver): queries go to the host's resolver through
// the UDP NAT; with no resolver the guest gets SERVFAIL at once instead of a timeout (RFC 1035 §4.1.1).
import { getServers } from 'node:dns';
import type { HostAddr } from './context';

export const DNS_RCODE_FORMERR = 1;
export const DNS_RCODE_SERVFAIL = 2;

/** The host's first IPv4 resolver (/etc/resolv.conf via node:dns), or null if it has none. */
export function hostResolver(): HostAddr | null {
  for (const s of getServers()) {
    const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(s);
    if (m) return { host: m[1], port: m[2] ? Number(m[2]) : 53 };
  }
  return null;
}

/** End of the question section of `q`, or -1 if it is malformed (names bounded by the message). */
function questionsEnd(q: Uint8Array): number {
  let o = 12;
  for (let n = (q[4] << 8) | q[5]; n > 0; n--) {
    for (let labels = 0; ; labels++) {
      if (o >= q.length || labels > 127) return -1;
      const len = q[o];
      if (len === 0) {
        o++;
        break;
      }
      if (len >= 0xc0) {
        o += 2; // a compression pointer ends the name
        break;
      }
      if (len > 63) return -1;
      o += 1 + len;
    }
    o += 4;
    if (o > q.length) return -1;
  }
  return o;
}

/**
 * An error response to query `q`: same id, opcode and RD, the question echoed, no answers, `rcode`
 * (FORMERR without the question when that does not parse). @returns null if `q` is not a query.
 */
export function dnsErrorReply(q: Uint8Array, rcode: number): Uint8Array | null {
  if (q.length < 12 || q[2] & 0x80) return null;
  const end = questionsEnd(q);
  const r = new Uint8Array(end < 0 ? 12 : end);
  r.set(q.subarray(0, r.length));
  r[2] = 0x80 | (q[2] & 0x79);
  r[3] = 0x80 | (end < 0 ? DNS_RCODE_FORMERR : rcode);
  if (end < 0) r[4] = r[5] = 0;
  r.fill(0, 6, 12);
  return r;
}
