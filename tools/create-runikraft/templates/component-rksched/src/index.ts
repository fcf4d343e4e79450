// __NAME__: an rksched policy. `library` is what rk's generated entry imports from every chosen
// component; `createPolicy` builds the policy (the conformance kit drives it through createSched).
import { defineLibrary } from '@runikraft/rkboot';
import {
  createSched,
  provideSched,
  RKSCHED_TRACE_PARAM,
  RKSCHED_WATCHDOG_PARAM,
  schedOptionsFor,
} from '@runikraft/rksched';
import { createPolicy } from './policy';

export { createPolicy } from './policy';

/**
 * The library descriptor: at the `plat` init level it builds the scheduler front end around this
 * policy and provides `rksched`. Boot parameters: `__LIB__.slice_us`, and rksched's shared
 * `__LIB__.trace` and `__LIB__.watchdog_ms`.
 */
export const library = defineLibrary({
  name: '__LIB__',
  version: '0.1.0',
  provides: ['rksched'],
  requires: ['rkplat'],
  initLevel: 'plat',
  params: {
    trace: RKSCHED_TRACE_PARAM,
    watchdog_ms: RKSCHED_WATCHDOG_PARAM,
    slice_us: { type: 'number', default: 10_000, min: 1, integer: true, doc: 'time slice in µs' },
  },
  init({ registry, plat, params }) {
    const make = () => createPolicy(params.slice_us * 1000);
    const opts = {
      ...schedOptionsFor(registry, params.trace, params.watchdog_ms),
      policyFor: make,
    };
    provideSched(registry, createSched(plat, make(), opts), opts);
  },
});
