// Initial sequence numbers for the flows slirp opens towards the guest (RFC 6528): a 4 µs clock
// plus a keyed hash of the 4-tuple. The clock part matters: a host client that reuses a port
// (Linux does on loopback, tcp_tw_reuse) hits the guest's TIME-WAIT record for that tuple, and a
// guest without timestamps (RFC 6191; slirp offers none) only takes the new SYN if its ISN lies
// past the old connection's sequence space. A random ISN failed that half of the time and the flow
// stalled in SYN retransmissions until the guest's 2 MSL ran out.
import { createHmac, randomBytes } from 'node:crypto';

const secret = randomBytes(16);

/** ISN for the flow guestIp:guestPort ↔ peerIp:peerPort (addresses as 32-bit numbers). */
export function tcpIsn(
  guestIp: number,
  guestPort: number,
  peerIp: number,
  peerPort: number,
): number {
  const h = createHmac('sha256', secret)
    .update(`${guestIp}:${guestPort}>${peerIp}:${peerPort}`)
    .digest()
    .readUInt32BE(0);
  return (Math.floor(performance.now() * 250) + h) >>> 0;
}
