// Two TCP stacks on a SimNet, driven by a network thread of an rksched scheduler on the simulated
// platform: the setting for socket-level tests (blocking calls really park).
import { createSched, type RkSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import type { RkNetEnv, RkTransport } from '../../../src/socket/api';
import { RkTcpSocket } from '../../../src/socket/tcp/socket';
import type { RkTcp } from '../../../src/socket/tcp/stack';
import { A, B, type LinkFaults, SimNet } from './harness';

/** Two stacks on a SimNet driven by a network thread of an rksched scheduler on the simulated platform. */
export function world(seed = 1, faults: LinkFaults = {}) {
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 4 << 20 });
  const sched: RkSched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  const net = new SimNet(seed, faults);
  const netWq = sched.waitQueue();
  let stop = false;
  const env: RkNetEnv = {
    waitQueue: () => sched.waitQueue(),
    now: () => sched.now() / 1e6,
    kick: () => {
      netWq.wakeAll();
    },
  };
  const a = net.addHost(A);
  const b = net.addHost(B);
  a.onPollNeeded = b.onPollNeeded = env.kick;
  const startNet = () =>
    sched.spawn('net', async () => {
      while (!stop) {
        const next = net.pump(env.now());
        if (next === Number.POSITIVE_INFINITY) await netWq.wait();
        else await netWq.waitUntil(Math.max(next, env.now() + 0.001) * 1e6);
      }
      return 0;
    });
  const sock = (host: typeof a, flags = 0) => new RkTcpSocket(env, host, flags);
  const transport = (host: RkTcp): RkTransport => ({
    handler: host,
    type: 1,
    protocol: 6,
    socket: (flags) => new RkTcpSocket(env, host, flags),
  });
  return {
    sched,
    net,
    env,
    a,
    b,
    sock,
    transport,
    startNet,
    stopNet: () => {
      stop = true;
      env.kick();
    },
  };
}
