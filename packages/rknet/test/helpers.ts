// Test helpers: a round-robin scheduler on the simulated platform and the RkNetEnv it gives sockets.
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';
import type { RkNetEnv } from '../src/socket/api';

export function simEnv() {
  const plat = createSimPlat({ cpuNsPerPoll: 1000, memBytes: 4 << 20 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  let kicks = 0;
  const env: RkNetEnv = {
    waitQueue: () => sched.waitQueue(),
    now: () => sched.now() / 1e6,
    kick: () => {
      kicks++;
    },
  };
  return { plat, sched, env, kicks: () => kicks };
}
