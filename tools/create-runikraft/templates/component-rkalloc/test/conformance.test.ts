// rkalloc's conformance kit against this allocator (a bump allocator does not reclaim on free), and
// the library checks (boot wiring, parameters) against its descriptor.
import { describeRkAlloc, describeRkAllocLibrary } from '@runikraft/rkalloc/conformance';
import { createAlloc, library } from '../src/index';

describeRkAlloc(
  '__LIB__',
  (env) => createAlloc(env.phys, env.base, env.len, { harden: env.harden }),
  {
    freeReclaims: false,
  },
);
describeRkAllocLibrary(library);
