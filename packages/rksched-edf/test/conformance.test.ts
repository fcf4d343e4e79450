import { createSched } from '@runikraft/rksched';
import { describeRkSched } from '@runikraft/rksched/conformance';
import { createEdfPolicy } from '../src/policy';
import { edfProperties } from './edf-properties';

describeRkSched(
  'rksched-edf',
  (plat) => createSched(plat, createEdfPolicy({ sliceNs: 1_000_000 })),
  {
    timeSlicing: true,
    extra: edfProperties,
  },
);
