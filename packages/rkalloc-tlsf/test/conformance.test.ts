import { describeRkAlloc, describeRkAllocLibrary } from '@runikraft/rkalloc/conformance';
import { createTlsfAlloc, library } from '../src/index';

describeRkAlloc('tlsf', (env) =>
  createTlsfAlloc(env.phys, env.base, env.len, { harden: env.harden }),
);
describeRkAllocLibrary(library);
