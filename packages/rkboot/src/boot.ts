// The boot sequence (ukboot's ukplat_entry → inittab → main): parameters, rkdebug, banner, init levels, main.
import { createRkDebug, createTraceRing, type RkLogLevel } from '@runikraft/rkdebug';
import { parseParams } from '@runikraft/rkparam';
import type { RkPlat } from '@runikraft/rkplat';
import type { RkAppParams, RkLibrary, RkMain } from './api';
import { renderBanner } from './banner';
import { exitStatusOf } from './exit-status';
import { installBootGlobals } from './libc/install';
import { initOrder } from './order';
import { paramPrefix, paramTable } from './params';
import { createRegistry } from './registry';

/** Version of the kernel core printed in the banner. */
export const RUNIKRAFT_VERSION = '0.1.0';

/** A composed unikernel, as `rk build` generates it. */
export interface RkImage {
  readonly name: string;
  readonly version: string;
  readonly libraries: readonly RkLibrary<any>[];
  readonly main: RkMain;
  /** Build-time parameter values ("lib.param" → value); the command line overrides them. */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** The app's own boot parameters (`<prefix>.<name>=`), passed to main as `params`. */
  readonly appParams?: RkAppParams;
}

/** Thread runner a scheduler registers so that main runs in its own thread. */
export interface RkMainRunner {
  runMain(main: () => Promise<number>): Promise<number>;
}

const isStop = (e: unknown) => e instanceof Error && e.name === 'HartStopped';

/**
 * Boots `image` on `plat`: parses parameters, initialises libraries by level, runs main.
 * @returns main's exit status (0 if it returned nothing). Bad parameters, a failing init or a throwing
 *   main panic (the platform powers off with status 1).
 */
export async function bootImage(plat: RkPlat, image: RkImage): Promise<number> {
  installBootGlobals(plat);
  const registry = createRegistry();
  registry.provide('rkplat', plat);
  const early = createRkDebug(
    plat,
    createTraceRing(1, () => 0),
  );
  let libs: RkLibrary<any>[];
  let table: ReturnType<typeof paramTable>;
  try {
    libs = initOrder(image.libraries, ['rkplat', 'rkdebug']);
    table = paramTable(libs, image.appParams);
  } catch (e) {
    return early.panic(`rkboot: ${(e as Error).message}`, e);
  }
  const parsed = parseParams(
    plat.bootinfo.cmdline,
    table,
    image.params ? { defaults: image.params } : {},
  );
  const strict = parsed.values.get('rkparam')!.strict === true;
  const problems = [...parsed.errors.map((e) => e.message)];
  if (strict)
    problems.push(
      ...parsed.ignored.map((t) => `unknown kernel parameter '${t}' (rkparam.strict=1)`),
    );
  if (problems.length > 0) {
    for (const p of problems) early.err(`rkparam: ${p}`);
    return early.panic(
      `rkboot: ${problems.length} bad boot parameter(s) in '${plat.bootinfo.cmdline}'`,
    );
  }
  const dbgParams = parsed.values.get('rkdebug')!;
  const dbg = createRkDebug(
    plat,
    createTraceRing(dbgParams.trace_events as number, () => plat.time.monotonicNs()),
    dbgParams.level as RkLogLevel,
  );
  registry.provide('rkdebug', dbg);
  const bootParams = parsed.values.get('rkboot')!;
  if (bootParams.banner) plat.console.out(renderBanner(image, RUNIKRAFT_VERSION, libs));
  for (const lib of libs) {
    registry.setProvider(lib.name);
    const t0 = plat.time.monotonicNs();
    try {
      await lib.init?.({
        registry,
        plat,
        params: parsed.values.get(paramPrefix(lib))!,
        library: lib,
      });
    } catch (e) {
      if (isStop(e)) throw e;
      return dbg.panic(
        `rkboot: init of '${lib.name}' (level ${lib.initLevel ?? 'lib'}) failed: ${(e as Error)?.message ?? String(e)}`,
        e,
      );
    }
    if (bootParams.initlog)
      dbg.info(
        `rkboot: ${lib.name} initialised in ${((plat.time.monotonicNs() - t0) / 1e3).toFixed(1)} µs`,
      );
  }
  registry.setProvider('app');
  const argv = [image.name, ...parsed.appArgs];
  let terminated = false;
  const terminate = async (): Promise<void> => {
    if (terminated) return;
    terminated = true;
    for (const lib of [...libs].reverse()) {
      try {
        await lib.term?.({
          registry,
          plat,
          params: parsed.values.get(paramPrefix(lib))!,
          library: lib,
        });
      } catch (e) {
        if (isStop(e)) throw e;
        dbg.err(`rkboot: term of '${lib.name}' failed: ${(e as Error)?.message ?? String(e)}`);
      }
    }
  };
  registry.setProvider('rkboot');
  registry.provide('rkboot', {
    async shutdown(status) {
      await terminate();
      return plat.power.shutdown(status);
    },
  });
  registry.setProvider('app');
  const runMain = async (): Promise<number> => {
    try {
      const params = image.appParams ? parsed.values.get(image.appParams.prefix)! : {};
      const r: unknown = await image.main({ argv, registry, plat, params });
      await terminate();
      const { status, warning } = exitStatusOf(r);
      if (warning) dbg.warn(`rkboot: ${warning}`);
      return status;
    } catch (e) {
      if (isStop(e)) throw e;
      return dbg.panic(`main of '${image.name}' threw: ${(e as Error)?.message ?? String(e)}`, e);
    }
  };
  const sched = (registry as { tryGet(api: string): unknown }).tryGet('rksched') as
    | RkMainRunner
    | undefined;
  return sched ? sched.runMain(runMain) : runMain();
}
