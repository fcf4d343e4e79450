// The scheduler policies under test, each on a fresh simulated platform (virtual clock).
import {
  createSched,
  type RkSched,
  type RkSchedOptions,
} from '../../../../packages/rksched/src/index';
import {
  createSimPlat,
  type RkSimPlat,
  type RkSimPlatOptions,
} from '../../../../packages/rksched/src/sim';
import { createEdfPolicy } from '../../../../packages/rksched-edf/src/policy';
import { createMlqPolicy } from '../../../../packages/rksched-mlq/src/policy';
import { createRrPolicy } from '../../../../packages/rksched-rr/src/policy';

export const POLICIES = ['rr', 'edf', 'mlq'] as const;
export type PolicyName = (typeof POLICIES)[number];

export function makeSched(
  policy: PolicyName,
  platOpts: RkSimPlatOptions = {},
  opts: RkSchedOptions = {},
  sliceNs = 1_000_000,
): { plat: RkSimPlat; sched: RkSched } {
  const plat = createSimPlat(platOpts);
  const pol =
    policy === 'rr'
      ? createRrPolicy({ sliceNs })
      : policy === 'edf'
        ? createEdfPolicy({ sliceNs })
        : createMlqPolicy({ sliceNs });
  return { plat, sched: createSched(plat, pol, opts) };
}
