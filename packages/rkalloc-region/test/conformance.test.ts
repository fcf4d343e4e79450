import { describeRkAlloc } from '@runikraft/rkalloc/conformance';
import { createRegionAlloc } from '../src/index';

describeRkAlloc('region', (env) => createRegionAlloc(env.phys, env.base, env.len, { harden: env.harden }), { freeReclaims: false });
