// Test helper: a round-robin scheduler on the simulated platform.
import { createSched } from '@runikraft/rksched';
import { createSimPlat } from '@runikraft/rksched/sim';
import { createRrPolicy } from '@runikraft/rksched-rr';

export function setup() {
  const plat = createSimPlat({ cpuNsPerPoll: 1000 });
  const sched = createSched(plat, createRrPolicy({ sliceNs: 100_000 }));
  return { plat, sched };
}
