// TCP as the stack composes it (socket/api.ts RkTransportFactory): the engine as the IPv4 layer's
// protocol-6 handler plus a socket constructor, keyed from the guest's CSPRNG.
import type { RkIpLayer } from '../../ip';
import type { RkNetEnv, RkTransport, RkTransportFactory } from '../api';
import { IPPROTO_TCP, SOCK_STREAM } from '../consts';
import type { RkTcpConfig } from './config';
import { RkTcpSocket } from './socket';
import { RkTcp } from './stack';

/** Two random words for ISN keys: the guest's crypto (rkswrand installs it in a booted image). */
function secret(): [number, number] {
  const w = new Uint32Array(2);
  const c = (globalThis as { crypto?: { getRandomValues(a: Uint32Array): Uint32Array } }).crypto;
  if (!c) throw new Error('rknet tcp: no crypto.getRandomValues in this realm (compose rkswrand)');
  c.getRandomValues(w);
  return [w[0]!, w[1]!];
}

/** Builds the TCP transport with optional engine settings. */
export function createTcpTransport(
  env: RkNetEnv,
  ip: RkIpLayer,
  config: Partial<RkTcpConfig> = {},
): RkTransport & { readonly tcp: RkTcp } {
  const tcp = new RkTcp(ip, {
    secret: secret(),
    config,
    ...(env.allocBuffer && { allocBuffer: (n: number) => env.allocBuffer!(n) }),
    ...(env.freeBuffer && { freeBuffer: (b: Uint8Array) => env.freeBuffer!(b) }),
  });
  tcp.onPollNeeded = () => env.kick();
  return {
    handler: tcp,
    tcp,
    type: SOCK_STREAM,
    protocol: IPPROTO_TCP,
    socket: (flags: number) => new RkTcpSocket(env, tcp, flags),
    closeAll: () => tcp.closeAll(),
    drained: () => tcp.drained,
  };
}

/** The factory the stack imports (socket/api.ts contract). */
export const tcpTransport: RkTransportFactory = (env, ip) => createTcpTransport(env, ip);
