import { describeRkAlloc, describeRkAllocLibrary } from '@runikraft/rkalloc/conformance';
import { createRegionAlloc, library } from '../src/index';

describeRkAlloc(
  'region',
  (env) => createRegionAlloc(env.phys, env.base, env.len, { harden: env.harden }),
  { freeReclaims: false },
);
describeRkAllocLibrary(library);
