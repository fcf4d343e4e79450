// Address configuration from the boot command line in Unikraft's form (uknetdev's netdev.ip):
// `netdev.ip=<addr>/<prefix>[:<gateway>[:<dns0>[:<dns1>[:<hostname>[:<domain>]]]]]`, several
// (one device: the first).

import type { RkIpConfig } from './iface/interface';
import type { Ipv4Addr } from './ip';
import { parseIpv4Addr } from './wire/ipv4';

export interface RkNetdevIpParam extends RkIpConfig {
  readonly hostname: string;
  readonly domain: string;
}

/**
 * Parses one `netdev.ip` value. An empty value means "use DHCP".
 * @returns the configuration, null for empty, or a message naming the part that is wrong.
 */
export function parseNetdevIp(value: string): RkNetdevIpParam | null | string {
  const v = value.trim();
  if (v === '') return null;
  const [cidr = '', gw = '', dns0 = '', dns1 = '', hostname = '', domain = ''] = v.split(':');
  const slash = cidr.indexOf('/');
  const addrText = slash < 0 ? cidr : cidr.slice(0, slash);
  const addr = parseIpv4Addr(addrText);
  if (addr === null || addr === 0)
    return `netdev.ip: '${addrText}' is not an IPv4 address (want e.g. 10.0.2.15/24:10.0.2.2)`;
  let prefixLen = 24;
  if (slash >= 0) {
    const p = cidr.slice(slash + 1);
    const asMask = parseIpv4Addr(p);
    if (/^\d{1,2}$/.test(p) && Number(p) <= 32) prefixLen = Number(p);
    else if (asMask !== null && isContiguousMask(asMask)) prefixLen = popcount(asMask);
    else return `netdev.ip: prefix '${p}' is neither a length 0..32 nor a netmask`;
  }
  const opt = (text: string, what: string): Ipv4Addr | string => {
    if (text === '') return 0;
    const a = parseIpv4Addr(text);
    return a === null ? `netdev.ip: ${what} '${text}' is not an IPv4 address` : a;
  };
  const gateway = opt(gw, 'gateway');
  if (typeof gateway === 'string') return gateway;
  const dns: Ipv4Addr[] = [];
  for (const [t, what] of [
    [dns0, 'dns0'],
    [dns1, 'dns1'],
  ] as const) {
    const a = opt(t, what);
    if (typeof a === 'string') return a;
    if (a !== 0) dns.push(a);
  }
  return { addr, prefixLen, gateway, dns, hostname, domain };
}

function isContiguousMask(m: number): boolean {
  const inv = ~m >>> 0;
  return (inv & (inv + 1)) === 0;
}

function popcount(m: number): number {
  let n = 0;
  for (let x = m >>> 0; x; x >>>= 1) n += x & 1;
  return n;
}
