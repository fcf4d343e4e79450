import { describeRkAlloc } from '@runikraft/rkalloc/conformance';
import { createTinyAlloc } from '../src/index';

describeRkAlloc('tiny', (env) => createTinyAlloc(env.phys, env.base, env.len, { harden: env.harden }));
