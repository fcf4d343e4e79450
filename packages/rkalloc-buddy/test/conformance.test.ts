import { describeRkAlloc, describeRkAllocLibrary } from '@runikraft/rkalloc/conformance';
import { createBuddyAlloc, library } from '../src/index';

describeRkAlloc('buddy', (env) =>
  createBuddyAlloc(env.phys, env.base, env.len, { harden: env.harden }),
);
describeRkAllocLibrary(library);
