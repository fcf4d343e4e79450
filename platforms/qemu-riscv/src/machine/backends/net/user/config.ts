// `-netdev user` options (QEMU 7.2 qapi/net.json NetdevUserOptions, net/slirp.c): the virtual
// network, its special addresses, restrict, hostfwd rules. Pure parsing; every error names the key.
import { OptReader, splitOpts } from '../qemu-opts';
import { formatIp4, parseIp4 } from './addr';

/** One `hostfwd=` rule: host listener → guest address and port. */
export interface HostFwd {
  readonly proto: 'tcp' | 'udp';
  /** Host address to bind ('0.0.0.0' when the rule leaves it empty, as QEMU). */
  readonly hostAddr: string;
  /** 0 = an ephemeral port (QEMU accepts it). */
  readonly hostPort: number;
  readonly guestAddr: number;
  readonly guestPort: number;
  /** The rule as written, for messages. */
  readonly text: string;
}

/** The virtual network of one `-netdev user`. Addresses are unsigned 32-bit numbers. */
export interface UserNetConfig {
  readonly net: number;
  readonly mask: number;
  /** The gateway, which is also the host as the guest sees it (10.0.2.2). */
  readonly host: number;
  /** The DNS forwarder (10.0.2.3). */
  readonly dns: number;
  /** First address the DHCP server hands out (10.0.2.15). */
  readonly dhcpStart: number;
  /** Guest may reach nothing outside (hostfwd still works). */
  readonly restrict: boolean;
  readonly hostname?: string;
  readonly domainname?: string;
  readonly hostfwd: readonly HostFwd[];
}

const UNSUPPORTED = ['tftp', 'bootfile', 'smb', 'guestfwd', 'dnssearch', 'tftp-server-name'];

/** The default network: 10.0.2.0/24 with QEMU's addresses. */
export function defaultUserNet(): UserNetConfig {
  return parseUserOpts('-netdev user', new OptReader('-netdev user', splitOpts('', 'user')));
}

function prefixMask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function parseNet(what: string, text: string): { net: number; mask: number } {
  const [a, m] = text.split('/');
  const addr = parseIp4(a);
  if (addr === null) throw new Error(`${what}: net=${text}: '${a}' is not an IPv4 address`);
  let mask = 0xffffff00;
  if (m !== undefined) {
    const dotted = parseIp4(m);
    if (/^\d{1,2}$/.test(m) && Number(m) <= 32) mask = prefixMask(Number(m));
    else if (dotted !== null && ((~dotted >>> 0) & ((~dotted >>> 0) + 1)) === 0) mask = dotted;
    else throw new Error(`${what}: net=${text}: '${m}' is not a prefix length (0..32) or netmask`);
  }
  if (mask >>> 0 === 0xffffffff || mask > 0xfffffffc)
    throw new Error(
      `${what}: net=${text}: the network has no room for host, dns and DHCP addresses`,
    );
  return { net: (addr & mask) >>> 0, mask };
}

function inNet(what: string, key: string, text: string, net: number, mask: number): number {
  const a = parseIp4(text);
  if (a === null) throw new Error(`${what}: ${key}=${text} is not an IPv4 address`);
  if ((a & mask) >>> 0 !== net)
    throw new Error(
      `${what}: ${key}=${text} is not in the network ${formatIp4(net)}/${formatIp4(mask)}`,
    );
  if (a === net || a === (net | ~mask) >>> 0)
    throw new Error(`${what}: ${key}=${text} is the network or broadcast address`);
  return a;
}

/**
 * Parses one hostfwd rule, `[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport`.
 * @throws Error naming the rule and the bad part.
 */
export function parseHostFwd(what: string, text: string, dhcpStart: number): HostFwd {
  const bad = (why: string) => new Error(`${what}: hostfwd=${text}: ${why}`);
  const m = /^([^:]*):([^:]*):([^-]*)-([^:]*):(.*)$/.exec(text);
  if (!m) throw bad('expected [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport');
  const [, p, ha, hp, ga, gp] = m;
  if (p !== '' && p !== 'tcp' && p !== 'udp') throw bad(`protocol '${p}' is not tcp or udp`);
  if (ha !== '' && parseIp4(ha) === null) throw bad(`host address '${ha}' is not an IPv4 address`);
  const port = (s: string, min: number, side: string) => {
    const n = /^\d+$/.test(s) ? Number(s) : Number.NaN;
    if (!(n >= min && n <= 65535))
      throw bad(`${side} port '${s}' is not a number in ${min}..65535`);
    return n;
  };
  const hostPort = port(hp, 0, 'host');
  const guestAddr = ga === '' ? dhcpStart : parseIp4(ga);
  if (guestAddr === null) throw bad(`guest address '${ga}' is not an IPv4 address`);
  return {
    proto: p === 'udp' ? 'udp' : 'tcp',
    hostAddr: ha || '0.0.0.0',
    hostPort,
    guestAddr,
    guestPort: port(gp, 1, 'guest'),
    text,
  };
}

/** Reads the `-netdev user` keys off `r` (the caller reads `id` and calls `done`). */
export function parseUserOpts(what: string, r: OptReader): UserNetConfig {
  for (const k of UNSUPPORTED)
    if (r.str(k) !== undefined) throw new Error(`${what}: ${k}= is not supported by this machine`);
  for (const k of ['ipv6', 'ipv6-net', 'ipv6-host', 'ipv6-dns', 'ipv6-prefix', 'ipv6-prefixlen'])
    if (r.str(k) !== undefined)
      throw new Error(`${what}: ${k}= is not supported (IPv4 only; give ipv6=off or nothing)`);
  if (r.str('ipv4') !== undefined && !r.bool('ipv4', true))
    throw new Error(`${what}: ipv4=off leaves no network (IPv6 is not modelled)`);
  const netText = r.str('net');
  const { net, mask } =
    netText === undefined ? { net: 0x0a000200, mask: 0xffffff00 } : parseNet(what, netText);
  const at = (key: string, off: number) => {
    const t = r.str(key);
    return t === undefined ? (net | off) >>> 0 : inNet(what, key, t, net, mask);
  };
  const host = at('host', 2);
  const dns = at('dns', 3);
  const dhcpStart = at('dhcpstart', 15);
  if (dns === host) throw new Error(`${what}: dns=${formatIp4(dns)} is the same as host=`);
  if (dhcpStart === host || dhcpStart === dns)
    throw new Error(`${what}: dhcpstart=${formatIp4(dhcpStart)} collides with host= or dns=`);
  const restrict = r.bool('restrict', false);
  const hostname = r.str('hostname');
  const domainname = r.str('domainname');
  for (const [k, v] of [
    ['hostname', hostname],
    ['domainname', domainname],
  ] as const)
    if (v !== undefined && (v.length === 0 || v.length > 255))
      throw new Error(`${what}: ${k}= must be 1..255 characters`);
  const hostfwd = r.all('hostfwd').map((t) => parseHostFwd(what, t, dhcpStart));
  return { net, mask, host, dns, dhcpStart, restrict, hostname, domainname, hostfwd };
}
