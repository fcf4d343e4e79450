// @runikraft/rksched-rr: round-robin scheduler library (provides rksched).
import { defineLibrary } from '@runikraft/rkboot';
import {
  createSched,
  provideSched,
  RKSCHED_TRACE_PARAM,
  RKSCHED_WATCHDOG_PARAM,
  schedOptionsFor,
} from '@runikraft/rksched';
import { createRrPolicy } from './policy';

export { createRrPolicy, type RkRrOptions } from './policy';

/** The library descriptor: registers a round-robin `rksched` at init level `plat`. */
export const library = defineLibrary({
  name: 'rksched-rr',
  version: '0.1.0',
  provides: ['rksched'],
  requires: ['rkplat'],
  initLevel: 'plat',
  params: {
    trace: RKSCHED_TRACE_PARAM,
    watchdog_ms: RKSCHED_WATCHDOG_PARAM,
    slice_us: { type: 'number', default: 10_000, min: 1, integer: true, doc: 'time slice in µs' },
    priorities: { type: 'boolean', default: true, doc: 'honour thread priorities (strict levels)' },
  },
  init({ registry, plat, params }) {
    const make = () =>
      createRrPolicy({
        sliceNs: params.slice_us * 1000,
        priorities: params.priorities,
      });
    const policy = make();
    const opts = {
      ...schedOptionsFor(registry, params.trace, params.watchdog_ms),
      policyFor: make,
    };
    provideSched(registry, createSched(plat, policy, opts), opts);
  },
});
