// Library descriptors, init levels and the typed API registry (counterpart of Unikraft's ukboot,
// uk/init.h and the Config.uk "provides/depends" composition).
import type { RkDebug } from '@runikraft/rkdebug';
import type { RkParamSpecs, RkParamValues } from '@runikraft/rkparam';
import type { RkPlat } from '@runikraft/rkplat';

export type { RkParamSpec, RkParamSpecs, RkParamValues } from '@runikraft/rkparam';

/** Unikraft's init levels, run in this order; `main` runs after `late`. */
export type RkInitLevel = 'early' | 'plat' | 'lib' | 'rootfs' | 'sys' | 'late';
export const RK_INIT_LEVELS: readonly RkInitLevel[] = [
  'early',
  'plat',
  'lib',
  'rootfs',
  'sys',
  'late',
];

/**
 * The API registry. Each interface package adds its API by declaration merging:
 * `declare module '@runikraft/rkboot' { interface RkApiRegistry { rkalloc: RkAlloc } }`.
 */
export interface RkApiRegistry {
  rkplat: RkPlat;
  rkdebug: RkDebug;
  rkboot: RkBootControl;
}

/**
 * rkboot's own API (Unikraft's uk_boot_shutdown): an orderly power-off from anywhere — libraries'
 * term hooks run (file systems unmount, sockets drain), then the machine powers off. Contrast
 * `plat.power.shutdown()`, the platform's switch (ukplat_terminate), which cuts power at once.
 */
export interface RkBootControl {
  /** Runs every library's term (once), then powers off with `status`. Never resolves. */
  shutdown(status: number): Promise<never>;
}
export type RkApiName = keyof RkApiRegistry;

/** Typed access to the composed APIs. */
export interface RkRegistry {
  /** Makes `impl` the provider of `api`. Throws if another library already provides it. */
  provide<K extends RkApiName>(api: K, impl: RkApiRegistry[K]): void;
  /** The provider of `api`; throws a precise error naming the missing API and who requires it. */
  get<K extends RkApiName>(api: K): RkApiRegistry[K];
  /** The provider of `api`, or undefined. */
  tryGet<K extends RkApiName>(api: K): RkApiRegistry[K] | undefined;
  has(api: RkApiName): boolean;
}

/** What an init function receives. */
export interface RkInitContext<P extends RkParamSpecs = RkParamSpecs> {
  readonly registry: RkRegistry;
  readonly plat: RkPlat;
  readonly params: RkParamValues<P>;
  /** The library's own descriptor. */
  readonly library: RkLibrary<P>;
}

/** A micro-library, as exported by its package entry. */
export interface RkLibrary<P extends RkParamSpecs = RkParamSpecs> {
  readonly name: string;
  readonly version: string;
  /** APIs this library implements (keys of RkApiRegistry). */
  readonly provides?: readonly string[];
  /** APIs this library needs from others. */
  readonly requires?: readonly string[];
  readonly initLevel?: RkInitLevel;
  readonly params?: P;
  /**
   * The prefix of this library's boot parameters (`<prefix>.<param>=`); default its name. Lets a
   * library take Unikraft's spelling of a parameter (rknet's `netdev.ip=`, as uknetdev's).
   */
  readonly paramPrefix?: string;
  init?(ctx: RkInitContext<P>): void | Promise<void>;
  /**
   * Runs at shutdown once main returned (Unikraft's termination functions), in reverse init order
   * and in main's thread, so it may park: flush, drain, release. A throw is logged, not fatal.
   */
  term?(ctx: RkInitContext<P>): void | Promise<void>;
}

/** Defines a library descriptor with its parameter types inferred. */
export function defineLibrary<P extends RkParamSpecs = {}>(lib: RkLibrary<P>): RkLibrary<P> {
  return lib;
}

/** The app's main: `argv[0]` is the app name. The return value is the exit status. */
export type RkMain = (args: RkMainArgs) => number | void | Promise<number | void>;

export interface RkMainArgs {
  readonly argv: readonly string[];
  readonly registry: RkRegistry;
  readonly plat: RkPlat;
  /**
   * The app's own boot parameters (`<prefix>.<name>=` before `--`), typed by the specs its entry
   * module exports as `params`, defaults filled in; empty when it declares none. Cast to
   * `RkParamValues<typeof params>` for the static types.
   */
  readonly params: Readonly<Record<string, boolean | number | string>>;
}

/**
 * The boot parameters an app declares (as Unikraft apps do with UK_LIB_PARAM in their own library):
 * its entry module exports `params` (RkParamSpecs); they are set as `<prefix>.<name>=` on the
 * command line, e.g. `httpreply.port=8080`.
 */
export interface RkAppParams {
  readonly prefix: string;
  readonly specs: RkParamSpecs;
}

/**
 * The app's parameters from its entry module `mod` (what `rk build`'s generated entry calls).
 * @returns them, or undefined when the module exports no `params` object.
 */
export function appParams(prefix: string, mod: object): RkAppParams | undefined {
  const specs = (mod as { params?: unknown }).params;
  if (typeof specs !== 'object' || specs === null) return undefined;
  return { prefix, specs: specs as RkParamSpecs };
}
