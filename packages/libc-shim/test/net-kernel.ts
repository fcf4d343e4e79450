// A WASI kernel for socket tests: testKernel's files plus a whole rknet stack on a loopback device
// and a simulated scheduler (programs run inside sched.runMain).

import { readFileSync } from 'node:fs';
import { createTlsfAlloc } from '@runikraft/rkalloc-tlsf';
import { createTcpTransport, RkNetStack } from '@runikraft/rknet';
import { RkNetdevRegistryImpl } from '@runikraft/rknetdev';
import { LoopbackNetdev } from '@runikraft/rknetdev/loopback';
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { type RunWasiOptions, runWasi, type WasiKernel } from '../src/index';
import { program, testKernel } from './helpers';

/** testKernel's files plus an rknet stack (10.9.0.2/24, loopback device) on a simulated scheduler. */
export async function netKernel() {
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

/**
 * Builds `test/programs/<file>` and runs it to its exit on a fresh netKernel, in the scheduler's
 * main thread. @returns its exit status and what it printed.
 */
export async function runOnNet(
  file: string,
  args: string[],
  opts: RunWasiOptions = {},
): Promise<{ status: number; out: string }> {
  const { k, out, sched, stack } = await netKernel();
  const wasm = readFileSync(program(file));
  let status = -1;
  await sched.runMain(async () => {
    status = (await runWasi(k, wasm, { ...opts, args })).status;
    return 0;
  });
  stack.stop();
  return { status, out: await out() };
}
