// @runikraft/rk9p: the 9P2000.L client library (Unikraft uk9p) — messages, device, transports.
import { defineLibrary } from '@runikraft/rkboot';
import { p9TransportRegistry } from './transport';

export * from './api';
export { RkP9Dev, type RkP9DevOptions, type RkP9DevStats } from './dev';
export { RkP9Client, type RkP9Fid } from './p9';
export {
  p9drive,
  p9finally,
  p9then,
  p9wait,
  type RkP9Op,
  type RkP9Result,
} from './result';
export { p9TransportRegistry, RkP9TransportRegistryImpl } from './transport';
export * from './wire/consts';
export { P9RemoteError, P9WireError } from './wire/error';
export { P9Framer } from './wire/framer';
export type { P9RFor, P9Rmsg, P9Tmsg, P9Type } from './wire/msgs';
export { P9Reader } from './wire/reader';
export { decodeR } from './wire/rmsg';
export { encodeT, p9TType } from './wire/tmsg';
export { P9Writer } from './wire/writer';

/** Provides the (initially empty) `rk9p` transport registry at `early` level; drivers register later. */
export const library = defineLibrary({
  name: 'rk9p',
  version: '0.1.0',
  provides: ['rk9p'],
  initLevel: 'early',
  init({ registry }) {
    p9TransportRegistry(registry);
  },
});
