import { describeRkAlloc } from '@runikraft/rkalloc/conformance';
import { createTlsfAlloc } from '../src/index';

describeRkAlloc('tlsf', (env) => createTlsfAlloc(env.phys, env.base, env.len, { harden: env.harden }));
