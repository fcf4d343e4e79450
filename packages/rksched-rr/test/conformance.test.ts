import { createSched } from '@runikraft/rksched';
import { describeRkSched } from '@runikraft/rksched/conformance';
import { createRrPolicy } from '../src/policy';

describeRkSched('rksched-rr', (plat) => createSched(plat, createRrPolicy({ sliceNs: 1_000_000 })), {
  priorities: true,
  timeSlicing: true,
});
