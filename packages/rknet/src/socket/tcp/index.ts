// TCP (RFC 9293) for rknet: the engine (RkTcp, a protocol handler for the IPv4 layer) and its parts.
export { RK_TCP_DEFAULTS, type RkTcpConfig, TCP_DEFAULT_MSS } from './config';
export { RkTcpConn, type RkTcpSocketOptions, type RkTcpState } from './conn';
export { RkTcpListener } from './listener';
export { RkTcpSocket } from './socket';
export { RkTcp, RkTcpBinding, type RkTcpStackOptions, type RkTcpStats } from './stack';
export {
  type RkTcpListenOptions,
  RkTcpServer,
  RkTcpStream,
  tcpConnect,
  tcpListen,
} from './stream';
export { createTcpTransport, tcpTransport } from './transport';
