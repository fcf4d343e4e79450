import { describeRkAlloc, describeRkAllocLibrary } from '@runikraft/rkalloc/conformance';
import { createTinyAlloc, library } from '../src/index';

describeRkAlloc('tiny', (env) =>
  createTinyAlloc(env.phys, env.base, env.len, { harden: env.harden }),
);
describeRkAllocLibrary(library);
