// TCP (RFC 9293) for rknet: the engine (RkTcp, a protocol handler for the IPv4 layer) and its parts.
export type { RkTcpAssembler } from './assembler';
export { RK_TCP_DEFAULTS, type RkTcpConfig, TCP_DEFAULT_MSS } from './config';
export type { RkTcpNewReno } from './congestion';
export {
  RkTcpConn,
  type RkTcpHost,
  type RkTcpSocketOptions,
  type RkTcpState,
} from './conn';
export { RkTcpListener } from './listener';
export type { RkTcpRing, RkTcpRingMemory } from './ring';
export type { RkTcpRtt } from './rtt';
export { RkTcpSocket } from './socket';
export { RkTcp, RkTcpBinding, type RkTcpStackOptions, type RkTcpStats } from './stack';
export {
  type RkTcpListenOptions,
  RkTcpServer,
  RkTcpStream,
  tcpConnect,
  tcpListen,
} from './stream';
export type { RkTcpTimeWait, RkTcpTimeWaitTable } from './time-wait';
export { createTcpTransport, tcpTransport } from './transport';
