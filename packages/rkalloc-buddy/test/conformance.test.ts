import { describeRkAlloc } from '@runikraft/rkalloc/conformance';
import { createBuddyAlloc } from '../src/index';

describeRkAlloc('buddy', (env) => createBuddyAlloc(env.phys, env.base, env.len, { harden: env.harden }));
