// rknet against its own socket kit: a whole RkNetStack on the simulated platform, sockets over
// 127.0.0.1, socket buffers and netbufs in guest RAM from a tlsf heap (all counted as resources).
import { createTlsfAlloc } from '@runikraft/rkalloc-tlsf';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describeRkSockets } from '../src/conformance';
import { createTcpTransport } from '../src/socket/tcp/index';
import type { RkTcp } from '../src/socket/tcp/stack';
import { RkNetStack } from '../src/stack';
import { GUEST_IP, wireDevice } from './peer';

describeRkSockets('rknet', () => {
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 16 << 20 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  const phys = plat.memory.phys;
  const alloc = createTlsfAlloc(phys, phys.base + (8 << 20), 8 << 20, { harden: false });
  const { dev } = wireDevice(phys);
  let tcp: RkTcp | null = null;
  const stack = new RkNetStack({
    sched,
    dev,
    phys,
    memalign: (a, n) => alloc.memalign(a, n),
    free: (pa) => alloc.free(pa),
    config: { addr: GUEST_IP, prefixLen: 24, gateway: 0, dns: [] },
    rxBufs: 32,
    txBufs: 128,
    transports: [
      (env, ip) => {
        const t = createTcpTransport(env, ip);
        tcp = t.tcp;
        return t;
      },
    ],
  });
  stack.start();
  const mem = stack.socketMemory!;
  return {
    socket: (d, t, p) => stack.socket(d, t, p),
    addr: 0x7f000001,
    sched,
    run: async (body) => {
      await sched.runMain(async () => {
        await body();
        return 0;
      });
    },
    resources: () => ({
      socketBuffers: mem.stats.inUse,
      socketBytes: mem.stats.bytes,
      tcpConnections: tcp!.connectionCount,
      heapFree: alloc.availmem(),
      txNetbufsFree: stack.txPool.available,
    }),
    close: () => stack.stop(),
  };
});
