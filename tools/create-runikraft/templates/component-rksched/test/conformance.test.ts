// rksched's conformance kit against this policy (time slicing, no priorities) on a simulated
// platform, and the library checks (boot wiring, parameter defaults) against its descriptor.
import { createSched } from '@runikraft/rksched';
import { describeRkSched, describeRkSchedLibrary } from '@runikraft/rksched/conformance';
import { createPolicy, library } from '../src/index';

describeRkSched('__LIB__', (plat) => createSched(plat, createPolicy(1_000_000)), {
  timeSlicing: true,
});
describeRkSchedLibrary(library, '__LIB__');
