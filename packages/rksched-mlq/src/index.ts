// @runikraft/rksched-mlq: multi-level feedback queue scheduler library (provides rksched).
import { defineLibrary } from '@runikraft/rkboot';
import {
  createSched,
  provideSched,
  RKSCHED_TRACE_PARAM,
  RKSCHED_WATCHDOG_PARAM,
  schedOptionsFor,
} from '@runikraft/rksched';
import { createMlqPolicy } from './policy';

export { createMlqPolicy, type RkMlqOptions } from './policy';

/** The library descriptor: registers an MLFQ `rksched` at init level `plat`. */
export const library = defineLibrary({
  name: 'rksched-mlq',
  version: '0.1.0',
  provides: ['rksched'],
  requires: ['rkplat'],
  initLevel: 'plat',
  params: {
    trace: RKSCHED_TRACE_PARAM,
    watchdog_ms: RKSCHED_WATCHDOG_PARAM,
    levels: {
      type: 'number',
      default: 8,
      min: 2,
      max: 30,
      integer: true,
      doc: 'number of queue levels',
    },
    slice_us: {
      type: 'number',
      default: 2000,
      min: 1,
      integer: true,
      doc: 'slice at the top level, µs (doubles per level)',
    },
    aging_ms: {
      type: 'number',
      default: 50,
      min: 1,
      integer: true,
      doc: 'wait after which a thread moves up a level, ms',
    },
  },
  init({ registry, plat, params }) {
    const make = () =>
      createMlqPolicy({
        levels: params.levels,
        sliceNs: params.slice_us * 1000,
        agingNs: params.aging_ms * 1e6,
      });
    const policy = make();
    const opts = {
      ...schedOptionsFor(registry, params.trace, params.watchdog_ms),
      policyFor: make,
    };
    provideSched(registry, createSched(plat, policy, opts), opts);
  },
});
