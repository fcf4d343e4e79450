// Init order (Unikraft's uk_inittab): by init level, then so that providers initialise before the
// libraries that require their APIs; ties keep the composition order.
import { Errno, RkError } from '@runikraft/errno';
import type { RkInitLevel, RkLibrary } from './api';
import { RK_INIT_LEVELS } from './api';

/**
 * Error for a composition that cannot boot, naming the library and API: an `RkError` with errno EEXIST
 * (two providers), ENOENT (no provider) or ELOOP (an init cycle).
 */
export class RkCompositionError extends RkError {
  /** A composition that cannot boot: keep the frames that found it. */
  static override stackFrames = 10;
  constructor(errno: number, message: string) {
    super(errno, message);
    this.name = 'RkCompositionError';
  }
}

const level = (l: RkLibrary<any>): number => RK_INIT_LEVELS.indexOf(l.initLevel ?? 'lib');

/**
 * Checks that every required API has exactly one provider among `libs` (or is in `builtin`) and returns
 * the libraries in init order.
 * @returns the ordered list; throws RkCompositionError for a missing or duplicated provider.
 */
export function initOrder(
  libs: readonly RkLibrary<any>[],
  builtin: readonly string[],
): RkLibrary<any>[] {
  const provider = new Map<string, RkLibrary<any>>();
  for (const lib of libs) {
    for (const api of lib.provides ?? []) {
      const other = provider.get(api);
      if (other) {
        throw new RkCompositionError(
          Errno.EEXIST,
          `API '${api}' is provided by both '${other.name}' and '${lib.name}'; select one with "select": {"${api}": "<package>"} in package.json`,
        );
      }
      provider.set(api, lib);
    }
  }
  for (const lib of libs) {
    for (const api of lib.requires ?? []) {
      if (!provider.has(api) && !builtin.includes(api)) {
        throw new RkCompositionError(
          Errno.ENOENT,
          `library '${lib.name}' requires API '${api}', which no composed library provides`,
        );
      }
    }
  }
  // Stable topological sort within the level order: a library waits for the providers it requires
  // when they initialise at the same or an earlier level.
  const out: RkLibrary<any>[] = [];
  const done = new Set<RkLibrary<any>>();
  const visiting = new Set<RkLibrary<any>>();
  const visit = (lib: RkLibrary<any>, chain: string[]) => {
    if (done.has(lib)) return;
    if (visiting.has(lib))
      throw new RkCompositionError(Errno.ELOOP, `init cycle: ${[...chain, lib.name].join(' → ')}`);
    visiting.add(lib);
    for (const api of lib.requires ?? []) {
      const p = provider.get(api);
      if (p && p !== lib && level(p) <= level(lib)) visit(p, [...chain, lib.name]);
    }
    visiting.delete(lib);
    done.add(lib);
    out.push(lib);
  };
  const sorted = [...libs]
    .map((l, i) => ({ l, i }))
    .sort((a, b) => level(a.l) - level(b.l) || a.i - b.i);
  for (const { l } of sorted) visit(l, []);
  return out.sort((a, b) => level(a) - level(b));
}

export function levelOf(lib: RkLibrary<any>): RkInitLevel {
  return lib.initLevel ?? 'lib';
}
