// The door kernel libraries install guest globals through (the JavaScript counterpart of a libc):
// the machine's guest realm exposes it under Symbol.for('runikraft.realm'); host-realm tests have none.

interface RealmDoor {
  provide(name: string, value: unknown): void;
}

const KEY = Symbol.for('runikraft.realm');

/** True when this code runs in a machine's guest realm (not in a host-realm unit test). */
export function inGuestRealm(): boolean {
  return KEY in globalThis;
}

/**
 * Installs guest global `name` (`'Date.now'` and `'Math.random'` set the source those intrinsics read).
 * Outside a guest realm it does nothing, so libraries tested in the host realm leave Node's globals alone.
 * @returns true when installed, false outside a guest realm.
 */
export function provideGlobal(name: string, value: unknown): boolean {
  const door = (globalThis as unknown as Record<symbol, RealmDoor | undefined>)[KEY];
  if (!door) return false;
  door.provide(name, value);
  return true;
}
