// C programs using BSD sockets (libc-shim's header and rk_socket.c over the WasmEdge socket
// extension) against a whole rknet stack on the simulated platform, over 127.0.0.1.
import { readFileSync } from 'node:fs';
import { createTlsfAlloc } from '@runikraft/rkalloc-tlsf';
import { createTcpTransport, RkNetStack } from '@runikraft/rknet';
import { RkNetdevRegistryImpl } from '@runikraft/rknetdev';
import { LoopbackNetdev } from '@runikraft/rknetdev/loopback';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { describe, expect, it } from 'vitest';
import { runWasi, type WasiKernel } from '../src/index';
import { program, testKernel } from './helpers';

/** testKernel's files plus an rknet stack (10.9.0.2/24, loopback device) on a simulated scheduler. */
async function netKernel() {
  const base = await testKernel();
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 16 << 20 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  const phys = plat.memory.phys;
  const alloc = createTlsfAlloc(phys, phys.base + (8 << 20), 8 << 20, { harden: false });
  const drv = new LoopbackNetdev(phys, {
    mode: 'wire',
    mac: new Uint8Array([2, 0, 0, 0, 0, 2]),
    mtu: 1500,
    ringSize: 128,
  });
  const { dev, handle } = new RkNetdevRegistryImpl().register('lo0', phys, drv);
  drv.attach(handle);
  const stack = new RkNetStack({
    sched,
    dev,
    phys,
    memalign: (a, n) => alloc.memalign(a, n),
    free: (pa) => alloc.free(pa),
    config: { addr: 0x0a090002, prefixLen: 24, gateway: 0, dns: [] },
    rxBufs: 32,
    txBufs: 128,
    transports: [createTcpTransport],
  });
  stack.start();
  const k: WasiKernel = {
    ...base.k,
    sched,
    sleepNs: (ns) => sched.sleep(ns),
    net: () => ({
      socket: (d, t, p) => stack.socket(d, t, p),
      resolve: (name) => stack.resolve(name),
    }),
  };
  return { ...base, k, sched, stack };
}

describe('BSD sockets in C programs', () => {
  it('TCP and UDP over 127.0.0.1: connect/accept, data, peek, poll, non-blocking, options, errors', async () => {
    const { k, out, sched, stack } = await netKernel();
    const wasm = readFileSync(program('sockets.c'));
    let status = -1;
    await sched.runMain(async () => {
      status = (await runWasi(k, wasm, { args: ['sockets'] })).status;
      return 0;
    });
    stack.stop();
    expect(await out()).toBe(
      [
        'getaddrinfo 0 127.0.0.1:7070',
        'reuseaddr 0',
        'bind 0 listen 0',
        'listening on 127.0.0.1:7070',
        'poll before connect 0',
        'connect 0',
        'poll after connect 1 revents 1',
        'accepted peer ok 1 (len 16)',
        'send 4',
        'peek 4',
        "read 4 'ping'",
        'write 5',
        "recv 5 'pong!'",
        'nonblocking recv -1 EAGAIN',
        'dontwait recv -1 EAGAIN',
        'so_type stream 1',
        'nodelay 1',
        'shutdown 0',
        'eof 0',
        'accept without address 1',
        'renumber 0',
        'write on the new number 5',
        "peer got 5 'moved', old number closed 1",
        'refused -1 ECONNREFUSED',
        'inet6 -1 EAFNOSUPPORT',
        'not a socket -1 ENOTSOCK',
        'sendto 8',
        "recvfrom 8 'datagram' from 127.0.0.1:7073",
        '',
      ].join('\n'),
    );
    expect(status).toBe(0);
  }, 300_000);
});
