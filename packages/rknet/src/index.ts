// @runikraft/rknet: the TCP/IP stack over rknetdev (Unikraft's lib-lwip counterpart, smoltcp's layout).
import type {} from '@runikraft/rkalloc';
import { defineLibrary } from '@runikraft/rkboot';
import type {} from '@runikraft/rknetdev';
import type {} from '@runikraft/rksched';
import type {} from '@runikraft/rkswrand';
import { initRknet, RKNET_PARAMS, termRknet } from './library';
import type { RkNetStack } from './stack';

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rknet: RkNetStack;
  }
}

/**
 * The library descriptor: at `sys` level (after devices and the scheduler) brings up the first
 * network device with `netdev.ip=` (Unikraft's spelling) or DHCP, and provides `rknet`.
 */
export const library = defineLibrary({
  name: 'rknet',
  version: '0.1.0',
  provides: ['rknet'],
  requires: ['rkplat', 'rknetdev', 'rksched', 'rkalloc'],
  initLevel: 'sys',
  paramPrefix: 'netdev',
  params: RKNET_PARAMS,
  init: initRknet,
  term: termRknet,
});

export { RkSocketMemory, type RkSocketMemoryStats } from './buffers';
export { parseNetdevIp, type RkNetdevIpParam } from './config';
export {
  RK_ARP_DEFAULTS,
  RkArpCache,
  type RkArpCacheLimits,
  type RkArpDropReason,
} from './iface/arp-cache';
export {
  RkInterface,
  type RkInterfaceOptions,
  type RkInterfaceStats,
  type RkIpConfig,
} from './iface/interface';
export {
  RK_REASSEMBLY_DEFAULTS,
  RkReassembler,
  type RkReassemblyLimits,
  type RkReassemblyTimeout,
} from './iface/reassembly';
export { inSubnet, prefixMask, type RkRoute, RkRouteTable } from './iface/routes';
export type { Ipv4Addr, RkIpLayer, RkIpProtocolHandler, RkIpSendOptions } from './ip';
export { RKNET_PARAMS } from './library';
export type {
  RkNetEnv,
  RkPollable,
  RkPollWatcher,
  RkSockAddrIn,
  RkSockAddrOut,
  RkSocket,
  RkTransport,
  RkTransportFactory,
} from './socket/api';
export { RK_SOCK_BUF_MAX, RK_SOCK_BUF_MIN, RkSocketBase, type RkSockOpts } from './socket/base';
export * from './socket/consts';
export { RK_DGRAM_BUF, RkDgramSocket } from './socket/dgram';
export { RkDhcpClient, type RkDhcpState } from './socket/dhcp';
export { type RkDnsOptions, RkDnsResolver } from './socket/dns';
export { icmpTransport, RkIcmpSocket, RkIcmpTransport } from './socket/icmp';
export { icmpErrno } from './socket/icmp-errno';
export { RK_EPHEMERAL_FIRST, RK_EPHEMERAL_LAST, RkPortTable } from './socket/ports';
export * from './socket/tcp/index';
export { RkUdpSocket, RkUdpTransport, udpTransport } from './socket/udp';
export { RkNetStack, type RkNetStackOptions } from './stack';
export * from './wire/arp';
export {
  checksum,
  checksumAdd,
  checksumFinish,
  checksumFold,
  checksumValid,
  pseudoHeaderSum,
  RkChecksum,
} from './wire/checksum';
export * from './wire/dhcpv4';
export * from './wire/dns';
export { isWireError, RkWireError } from './wire/error';
export * from './wire/ethernet';
export * from './wire/icmpv4';
export * from './wire/ipv4';
export * from './wire/tcp';
export * from './wire/udp';
