// @runikraft/rksignal: POSIX-like signals for threads (uksignal).
import { defineLibrary, type RkRegistry } from '@runikraft/rkboot';
import { getSched } from '@runikraft/rksched';
import { RkSignals } from './api';

export { type RkSigAction, type RkSigHandler, type RkSigMaskHow, RkSignals } from './api';
export { defaultAction, NSIG, type RkSigDefault, SIG, sigbit } from './signals';

/** The `rksignal` API of a booted image. */
export function getSignals(registry: RkRegistry): RkSignals {
  return (registry as unknown as { get(api: string): RkSignals }).get('rksignal');
}

export const library = defineLibrary({
  name: 'rksignal',
  version: '0.1.0',
  provides: ['rksignal'],
  requires: ['rksched'],
  initLevel: 'lib',
  init({ registry }) {
    (registry as unknown as { provide(api: string, impl: unknown): void }).provide(
      'rksignal',
      new RkSignals(getSched(registry)),
    );
  },
});

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rksignal: RkSignals;
  }
}
