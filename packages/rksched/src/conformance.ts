// The rksched conformance kit: `describeRkSched(name, make, capabilities)` registers behavioural and
// property-based tests that every scheduling policy (ours or a third party's) must pass.
import { describe } from 'vitest';
import type { RkSched } from './api';
import { basicSuite } from './conformance-basic';
import { errorSuite } from './conformance-errors';
import { propertySuite } from './conformance-props';
import { waitSuite } from './conformance-wait';
import type { RkSimPlat, RkSimPlatOptions } from './sim';

/** Makes a fresh scheduler on the given (simulated) platform. */
export type RkSchedFactory = (plat: RkSimPlat) => RkSched;

export interface RkSchedCapabilities {
  /** The policy honours `prio` (higher runs first). */
  readonly priorities?: boolean;
  /** The policy preempts CPU-bound threads at preemption points when their slice ends. */
  readonly timeSlicing?: boolean;
  /** Policy-specific properties, registered inside the kit's describe block. */
  readonly extra?: (make: RkSchedFactory, ctx: RkSchedKitContext) => void;
}

export interface RkSchedKitContext {
  /** Creates a simulated platform and a scheduler on it. */
  setup(opts?: RkSimPlatOptions): { plat: RkSimPlat; sched: RkSched };
}

/** Registers the conformance suite for a scheduler implementation. */
export function describeRkSched(
  name: string,
  make: RkSchedFactory,
  caps: RkSchedCapabilities = {},
): void {
  const ctx: RkSchedKitContext = {
    setup(opts) {
      const plat = createSimPlatLazy(opts);
      return { plat, sched: make(plat) };
    },
  };
  describe(`rksched conformance: ${name}`, () => {
    basicSuite(ctx, caps);
    waitSuite(ctx);
    errorSuite(ctx);
    propertySuite(ctx);
    caps.extra?.(make, ctx);
  });
}

import { createSimPlat } from './sim';

function createSimPlatLazy(opts?: RkSimPlatOptions): RkSimPlat {
  return createSimPlat(opts);
}

export { describeRkSchedLibrary } from './conformance-library';
export { createSimPlat, type RkSimPlat, type RkSimPlatOptions } from './sim';
