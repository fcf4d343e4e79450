// What rkboot installs in the guest realm when an image boots: console on the kernel console and UTF-8
// TextEncoder/TextDecoder. Clocks, timers and randomness come from rktime, rksched and rkswrand.
import type { RkPlat } from '@runikraft/rkplat';
import { createGuestConsole } from './console';
import { provideGlobal } from './realm';
import { RkTextDecoder, RkTextEncoder } from './text';

/** Installs rkboot's guest globals (no-op outside a guest realm). @returns true when installed. */
export function installBootGlobals(plat: Pick<RkPlat, 'console'>): boolean {
  if (!provideGlobal('console', createGuestConsole(plat))) return false;
  provideGlobal('TextEncoder', RkTextEncoder);
  provideGlobal('TextDecoder', RkTextDecoder);
  return true;
}
