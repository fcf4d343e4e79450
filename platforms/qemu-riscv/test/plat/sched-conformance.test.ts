// The rksched conformance kit for every policy on the booted machine (real hart, CLINT/SBI timer, PLIC,
// goldfish RTC interrupt), in both boot modes on both clocks — not only on the simulated platform.
import { createSched } from '@runikraft/rksched';
import { describeRkSched } from '@runikraft/rksched/conformance';
import { createEdfPolicy } from '@runikraft/rksched-edf';
import { createMlqPolicy } from '@runikraft/rksched-mlq';
import { createRrPolicy } from '@runikraft/rksched-rr';
import { MODES } from './booted';
import { machineKitEnv } from './sched-kit';

const policies = [
  [
    'rr',
    (plat) => createSched(plat, createRrPolicy({ sliceNs: 1_000_000 })),
    { priorities: true, timeSlicing: true },
  ],
  [
    'edf',
    (plat) => createSched(plat, createEdfPolicy({ sliceNs: 1_000_000 })),
    { timeSlicing: true },
  ],
  [
    'mlq',
    (plat) => createSched(plat, createMlqPolicy({ sliceNs: 1_000_000 })),
    { priorities: true, timeSlicing: true },
  ],
] as const satisfies readonly [
  string,
  Parameters<typeof describeRkSched>[1],
  Parameters<typeof describeRkSched>[2],
][];

for (const [bios, mode] of MODES)
  for (const clock of ['virtual', 'host'] as const)
    for (const [name, make, caps] of policies)
      describeRkSched(
        `rksched-${name} on the machine, ${mode}, ${clock} clock`,
        make,
        caps,
        machineKitEnv(bios, clock),
      );
