// @runikraft/rknet: the TCP/IP stack over rknetdev (Unikraft's lib-lwip counterpart, smoltcp's layout).
export type { Ipv4Addr, RkIpLayer, RkIpProtocolHandler, RkIpSendOptions } from './ip';
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
export { RK_EPHEMERAL_FIRST, RK_EPHEMERAL_LAST, RkPortTable } from './socket/ports';
export * from './socket/tcp/index';
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
export { isWireError, RkWireError } from './wire/error';
export * from './wire/ethernet';
export * from './wire/icmpv4';
export * from './wire/ipv4';
export * from './wire/tcp';
export * from './wire/udp';
