// The kit run against the front end over the reference first-fit backend (both hardened and not).
import { describeRkAlloc } from '../src/conformance';
import { createRkAlloc } from '../src/front';
import { FirstFitBackend } from './fixtures/firstfit';

describeRkAlloc(
  'firstfit (reference)',
  (env) => createRkAlloc(new FirstFitBackend(env.base, env.len), env.phys, { harden: env.harden }),
  { numRuns: 50 },
);
