// @runikraft/rksched-edf: earliest-deadline-first scheduler library (provides rksched).
import { defineLibrary } from '@runikraft/rkboot';
import {
  createSched,
  provideSched,
  RKSCHED_TRACE_PARAM,
  RKSCHED_WATCHDOG_PARAM,
  schedOptionsFor,
} from '@runikraft/rksched';
import { createEdfPolicy, type RkEdfMissPolicy } from './policy';

export { createEdfPolicy, type RkEdfMissPolicy, type RkEdfOptions } from './policy';

/** The library descriptor: registers an EDF `rksched` at init level `plat`. */
export const library = defineLibrary({
  name: 'rksched-edf',
  version: '0.1.0',
  provides: ['rksched'],
  requires: ['rkplat'],
  initLevel: 'plat',
  params: {
    trace: RKSCHED_TRACE_PARAM,
    watchdog_ms: RKSCHED_WATCHDOG_PARAM,
    miss_policy: {
      type: 'enum',
      default: 'report',
      values: ['report', 'abort'],
      doc: 'on a deadline miss: count it, or abort the job',
    },
    enforce_budget: {
      type: 'boolean',
      default: true,
      doc: 'throttle jobs that exceed their budget',
    },
    max_util: {
      type: 'number',
      default: 1,
      min: 0.01,
      max: 1,
      doc: 'admission bound on total utilisation',
    },
    slice_us: {
      type: 'number',
      default: 10_000,
      min: 1,
      integer: true,
      doc: 'time slice of best-effort threads, µs',
    },
  },
  init({ registry, plat, params }) {
    const make = () =>
      createEdfPolicy({
        missPolicy: params.miss_policy as RkEdfMissPolicy,
        enforceBudget: params.enforce_budget,
        maxUtil: params.max_util,
        sliceNs: params.slice_us * 1000,
      });
    const policy = make();
    const opts = {
      ...schedOptionsFor(registry, params.trace, params.watchdog_ms),
      policyFor: make,
    };
    provideSched(registry, createSched(plat, policy, opts), opts);
  },
});
