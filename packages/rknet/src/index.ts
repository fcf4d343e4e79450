// @runikraft/rknet: the TCP/IP stack over rknetdev (Unikraft's lib-lwip counterpart, smoltcp's layout).
export type { Ipv4Addr, RkIpLayer, RkIpProtocolHandler, RkIpSendOptions } from './ip';
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
export * from './wire/tcp';
