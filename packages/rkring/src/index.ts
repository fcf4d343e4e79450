// @runikraft/rkring: ring buffers in guest memory (ukring).
import { defineLibrary } from '@runikraft/rkboot';

export { RkRing, type RkRingMode } from './ring';

/** The library descriptor (rkring has no state of its own; rings live where callers put them). */
export const library = defineLibrary({
  name: 'rkring',
  version: '0.1.0',
  provides: ['rkring'],
  requires: ['rkplat'],
  initLevel: 'lib',
});
