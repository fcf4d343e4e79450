// The typed API registry: one provider per API, reached by name (never through a global).
import { Errno, RkError } from '@runikraft/errno';
import type { RkApiName, RkApiRegistry, RkRegistry } from './api';

/**
 * Error for registry misuse, naming the API and what is wrong: an `RkError` with errno EEXIST (a second
 * provider) or ENOENT (an API not composed into the image), as every error rkboot throws.
 */
export class RkRegistryError extends RkError {
  /** Registry misuse is a composition bug: keep the frames that made it. */
  static override stackFrames = 10;
  constructor(errno: typeof Errno.EEXIST | typeof Errno.ENOENT, message: string) {
    super(errno, message);
    this.name = 'RkRegistryError';
  }
}

/** Creates an empty registry. `owner(api)` may name who provides an API, for error messages. */
export function createRegistry(): RkRegistry & {
  providerOf(api: string): string | undefined;
  setProvider(name: string): void;
} {
  const apis = new Map<string, unknown>();
  const providers = new Map<string, string>();
  let current = 'rkboot';
  return {
    provide(api, impl) {
      if (apis.has(api)) {
        throw new RkRegistryError(
          Errno.EEXIST,
          `API '${api}' is already provided by '${providers.get(api)}'; '${current}' cannot provide it too (select one provider in package.json)`,
        );
      }
      apis.set(api, impl);
      providers.set(api, current);
    },
    get<K extends RkApiName>(api: K): RkApiRegistry[K] {
      if (!apis.has(api)) {
        const have = [...apis.keys()].sort().join(', ');
        throw new RkRegistryError(
          Errno.ENOENT,
          `API '${String(api)}' is not composed into this image (available: ${have}); add a package that provides '${String(api)}' to the app's package.json`,
        );
      }
      return apis.get(api) as RkApiRegistry[K];
    },
    tryGet<K extends RkApiName>(api: K) {
      return apis.get(api) as RkApiRegistry[K] | undefined;
    },
    has: (api) => apis.has(api),
    providerOf: (api) => providers.get(api),
    setProvider(name) {
      current = name;
    },
  };
}
