// vfscore's fs-driver kit against 9pfs on a diod share, in both cache modes.
import { describeRkFs } from '@runikraft/vfscore/conformance';
import { describe } from 'vitest';
import { haveDiod, mountDiod } from './helpers';

for (const cache of ['none', 'loose'])
  describe.skipIf(!haveDiod)(`9pfs cache=${cache} on diod`, () => {
    describeRkFs(`9pfs (cache=${cache})`, () => mountDiod(`cache=${cache}`), { numRuns: 25 });
  });
