// From an app directory to its resolved composition: read package.json, walk the dependency
// closure, run rkboot's resolver. Shared by `rk build` and `rk ls`.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RkComposition, RkResolveError, resolveComposition } from '@runikraft/rkboot';
import { type AppConfig, formatFieldProblems, readAppChecked } from './app';
import type { FieldProblem } from './app-machine';
import { collectClosure, findPackage, type InstalledPackage, workspaceProviders } from './closure';
import { RkUsageError } from './errors';
import { addCommand, detectPm, type PmContext } from './pm';

export interface ResolvedApp {
  app: AppConfig;
  closure: Map<string, InstalledPackage>;
  composition: RkComposition;
  /** package.json field problems found so far (the build adds its own and reports them all). */
  problems: FieldProblem[];
  /** The user's package manager, for fix hints. */
  pm: PmContext;
}

/** rk's own directory: a fallback place to resolve @runikraft/rkboot from. */
export const rkHome = (): string => dirname(fileURLToPath(import.meta.url));

/**
 * Resolves the app in `appDir`.
 * @returns the composition and the package.json field problems that did not stop it.
 * @throws RkUsageError for a missing dependency or composition problems (each with its fix, listed
 *   after every package.json field problem).
 */
export function composeApp(appDir: string): ResolvedApp {
  const { app, problems } = readAppChecked(appDir);
  const available = workspaceProviders(app.dir);
  const pm = detectPm(
    app.dir,
    available.map((a) => a.name),
  );
  const fail = (message: string) =>
    new RkUsageError(
      problems.length > 0
        ? `${formatFieldProblems(app.manifestPath, problems)}\n${message}`
        : message,
    );
  let closure: Map<string, InstalledPackage>;
  try {
    closure = collectClosure(app, pm);
  } catch (e) {
    if (e instanceof RkUsageError) throw fail(e.message);
    throw e;
  }
  const candidates = [...closure.values()].flatMap((p) => (p.candidate ? [p.candidate] : []));
  try {
    const composition = resolveComposition({
      app: { name: app.name, requires: app.requires, select: app.select },
      candidates,
      available,
      manifestPath: app.manifestPath,
      addCommand: (pkgs) => addCommand(pm, pkgs),
    });
    return { app, closure, composition, problems, pm };
  } catch (e) {
    if (e instanceof RkResolveError) throw fail(e.message);
    throw e;
  }
}

/** Where rkboot is for this app: in its closure, else next to rk itself. */
export function locateRkboot(
  closure: Map<string, InstalledPackage>,
  pm?: PmContext,
): {
  dir: string;
  nodeModules: string;
  version: string;
} {
  const inClosure = closure.get('@runikraft/rkboot');
  if (inClosure) return inClosure;
  const found = findPackage('@runikraft/rkboot', rkHome());
  if (!found)
    throw new RkUsageError(
      `rk build: @runikraft/rkboot is not installed: add it to the app's dependencies (${pm ? addCommand(pm, ['@runikraft/rkboot']) : 'npm install @runikraft/rkboot'})`,
    );
  return { ...found, version: '' };
}
