// The rknet library descriptor's init (Unikraft's lwip glue, uknetdev's netdev.ip): brings up the
// first network device with the address from `netdev.ip=` or, when none is given, DHCP, and
// registers the stack as the `rknet` API.
import { Errno, RkError } from '@runikraft/errno';
import type { RkInitContext, RkParamSpecs } from '@runikraft/rkboot';
import { parseNetdevIp } from './config';
import { tcpTransport } from './socket/tcp/index';
import { RkNetStack } from './stack';

export const RKNET_PARAMS = {
  ip: {
    type: 'string',
    default: '',
    doc: 'address of the first device: <addr>/<prefix>[:<gw>[:<dns0>[:<dns1>]]] (empty: DHCP)',
  },
  rxbufs: { type: 'number', default: 256, min: 16, max: 65536, integer: true, doc: 'RX netbufs' },
  txbufs: { type: 'number', default: 512, min: 16, max: 65536, integer: true, doc: 'TX netbufs' },
  drain_ms: {
    type: 'number',
    default: 3000,
    min: 0,
    integer: true,
    doc: 'at shutdown (main returned), most ms to wait for closed connections to deliver their data and FIN',
  },
  sockmem: {
    type: 'number',
    default: 0,
    min: 0,
    integer: true,
    doc: 'most bytes of guest RAM all socket buffers may hold together (0: as much as the allocator gives)',
  },
} as const satisfies RkParamSpecs;

/**
 * At shutdown (main returned): closes what the app left open and lets every connection deliver its
 * data and FIN for up to `netdev.drain_ms`, then stops the stack — so an app may return right after
 * close() without losing the end of its output. Parks main's thread.
 */
export async function termRknet({
  registry,
  params,
}: RkInitContext<typeof RKNET_PARAMS>): Promise<void> {
  const stack = registry.tryGet('rknet');
  if (!stack) return;
  if (params.drain_ms > 0 && (await stack.drain(params.drain_ms)) === -Errno.ETIMEDOUT)
    registry
      .get('rkdebug')
      .warn(
        `rknet: connections still sending after netdev.drain_ms=${params.drain_ms}; powering off`,
      );
  stack.stop();
}

/** Brings the stack up. Throws RkError ENODEV (no device), EINVAL (bad netdev.ip), ENOMEM. */
export function initRknet({ registry, plat, params }: RkInitContext<typeof RKNET_PARAMS>): void {
  const dev = registry.get('rknetdev').get(0);
  if (!dev)
    throw new RkError(
      Errno.ENODEV,
      'rknet: no network device (add -nic user or -netdev ... to the machine)',
    );
  const ip = parseNetdevIp(params.ip);
  if (typeof ip === 'string') throw new RkError(Errno.EINVAL, ip);
  const alloc = registry.get('rkalloc').default;
  const rand = registry.tryGet('rkswrand');
  const random = () => (rand ? rand.randomU32() / 0x1_0000_0000 : 0);
  let stack: RkNetStack;
  try {
    stack = new RkNetStack({
      sched: registry.get('rksched'),
      dev,
      phys: plat.memory.phys,
      memalign: (a, n) => alloc.memalign(a, n),
      free: (pa) => alloc.free(pa),
      socketMemoryLimit: params.sockmem,
      config: ip,
      transports: [tcpTransport],
      random,
      rxBufs: params.rxbufs,
      txBufs: params.txbufs,
    });
  } catch (e) {
    throw new RkError(Errno.ENOMEM, (e as Error).message);
  }
  const r = stack.start();
  if (r < 0) throw new RkError(-r, `rknet: cannot start ${dev.name}`);
  registry.provide('rknet', stack);
}
