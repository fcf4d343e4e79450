// @runikraft/rktime: clocks, nanosleep, one-shot and periodic timers (uktime).
import { defineLibrary, type RkRegistry } from '@runikraft/rkboot';
import type { RkPlatTime } from '@runikraft/rkplat';
import { getSched, type RkSched } from '@runikraft/rksched';
import { RkClocks } from './clock';
import { installClockGlobals } from './globals';
import { RkKernelTimer } from './timer';

export * from './clock';
export { clockGlobals, installClockGlobals } from './globals';
export { RkKernelTimer } from './timer';

/** The `rktime` API. */
export interface RkTimeApi {
  readonly clocks: RkClocks;
  timer(onExpire?: (t: RkKernelTimer) => void): RkKernelTimer;
}

export function createTimeApi(time: RkPlatTime, sched: RkSched): RkTimeApi {
  return { clocks: new RkClocks(time, sched), timer: (f) => new RkKernelTimer(sched, f) };
}

/** The `rktime` API of a booted image. */
export function getTime(registry: RkRegistry): RkTimeApi {
  return (registry as unknown as { get(api: string): RkTimeApi }).get('rktime');
}

export const library = defineLibrary({
  name: 'rktime',
  version: '0.1.0',
  provides: ['rktime'],
  requires: ['rksched'],
  initLevel: 'lib',
  init({ registry, plat }) {
    (registry as unknown as { provide(api: string, impl: unknown): void }).provide(
      'rktime',
      createTimeApi(plat.time, getSched(registry)),
    );
    // In a guest realm: Date.now()/new Date() and performance.now() follow the guest clocks.
    installClockGlobals(plat.time);
  },
});

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rktime: RkTimeApi;
  }
}
