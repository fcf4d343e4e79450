// @runikraft/rklock: mutex, semaphore, reader-writer lock, condition variable, spinlock (uklock).
import { defineLibrary, type RkRegistry } from '@runikraft/rkboot';
import type { RkPlatLcpu } from '@runikraft/rkplat';
import { getSched, type RkSched } from '@runikraft/rksched';
import { RkCondVar } from './condvar';
import { RkMutex, type RkMutexOptions } from './mutex';
import { RkRwLock } from './rwlock';
import { RkSemaphore } from './semaphore';
import { RkSpinlock } from './spinlock';

export { RkCondVar } from './condvar';
export { RkMutex, type RkMutexOptions } from './mutex';
export { RkRwLock } from './rwlock';
export { RkSemaphore } from './semaphore';
export { RkSpinlock } from './spinlock';

/** Factories bound to the image's scheduler (the `rklock` API). */
export interface RkLockApi {
  mutex(opts?: RkMutexOptions): RkMutex;
  semaphore(initial?: number): RkSemaphore;
  rwlock(): RkRwLock;
  condvar(): RkCondVar;
  spinlock(name?: string): RkSpinlock;
}

export function createLockApi(sched: RkSched, lcpu: RkPlatLcpu): RkLockApi {
  return {
    mutex: (o) => new RkMutex(sched, o),
    semaphore: (n) => new RkSemaphore(sched, n),
    rwlock: () => new RkRwLock(sched),
    condvar: () => new RkCondVar(sched),
    spinlock: (name) => new RkSpinlock(lcpu, name),
  };
}

/** The `rklock` API of a booted image. */
export function getLocks(registry: RkRegistry): RkLockApi {
  return (registry as unknown as { get(api: string): RkLockApi }).get('rklock');
}

export const library = defineLibrary({
  name: 'rklock',
  version: '0.1.0',
  provides: ['rklock'],
  requires: ['rksched'],
  initLevel: 'lib',
  init({ registry, plat }) {
    (registry as unknown as { provide(api: string, impl: unknown): void }).provide(
      'rklock',
      createLockApi(getSched(registry), plat.lcpu),
    );
  },
});

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rklock: RkLockApi;
  }
}
