// @runikraft/rkmbox: bounded mailboxes (ukmpi mbox).
import { defineLibrary, type RkRegistry } from '@runikraft/rkboot';
import { getSched, type RkSched } from '@runikraft/rksched';
import { RkMbox } from './mbox';

export { RkMbox, type RkMboxResult } from './mbox';

/** Factory bound to the image's scheduler (the `rkmbox` API). */
export interface RkMboxApi {
  create<T>(capacity: number): RkMbox<T>;
}

export function createMboxApi(sched: RkSched): RkMboxApi {
  return { create: <T>(capacity: number) => new RkMbox<T>(sched, capacity) };
}

/** The `rkmbox` API of a booted image. */
export function getMbox(registry: RkRegistry): RkMboxApi {
  return (registry as unknown as { get(api: string): RkMboxApi }).get('rkmbox');
}

export const library = defineLibrary({
  name: 'rkmbox',
  version: '0.1.0',
  provides: ['rkmbox'],
  requires: ['rksched'],
  initLevel: 'lib',
  init({ registry }) {
    (registry as unknown as { provide(api: string, impl: unknown): void }).provide(
      'rkmbox',
      createMboxApi(getSched(registry)),
    );
  },
});

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rkmbox: RkMboxApi;
  }
}
