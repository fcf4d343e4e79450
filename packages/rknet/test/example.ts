// The README's usage example, compiled by the typecheck and run by example.test.ts.
import type { RkMainArgs } from '@runikraft/rkboot';
import { AF_INET, SOCK_DGRAM } from '../src/index';

/** A UDP echo server on port 7: the address comes from netdev.ip= or DHCP. */
export default async function main({ registry }: Pick<RkMainArgs, 'registry'>): Promise<number> {
  const net = registry.get('rknet');
  if ((await net.waitConfigured(10_000)) !== 0) return 1; // no DHCP lease in 10 s
  const s = net.socket(AF_INET, SOCK_DGRAM);
  if (typeof s === 'number') return 1; // -errno
  s.bind({ family: AF_INET, addr: 0, port: 7 });
  const buf = new Uint8Array(2048);
  const from = { addr: 0, port: 0 };
  for (;;) {
    const n = await s.recvfrom(buf, 0, from); // parks this thread until a datagram arrives
    if (n < 0) return 1;
    if (n === 4 && new TextDecoder().decode(buf.subarray(0, 4)) === 'quit') return 0;
    await s.sendto(buf.subarray(0, n), 0, { family: AF_INET, ...from });
  }
}
