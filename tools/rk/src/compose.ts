// From an app directory to its resolved composition: read package.json, walk the dependency
// closure, run rkboot's resolver. Shared by `rk build` and `rk ls`.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RkComposition, RkResolveError, resolveComposition } from '@runikraft/rkboot';
import { type AppConfig, readApp } from './app';
import { collectClosure, findPackage, type InstalledPackage, workspaceProviders } from './closure';
import { RkUsageError } from './errors';

export interface ResolvedApp {
  app: AppConfig;
  closure: Map<string, InstalledPackage>;
  composition: RkComposition;
}

/** rk's own directory: a fallback place to resolve @runikraft/rkboot from. */
export const rkHome = (): string => dirname(fileURLToPath(import.meta.url));

/**
 * Resolves the app in `appDir`.
 * @throws RkUsageError for a bad package.json, a missing dependency, or composition problems
 *   (each with its fix).
 */
export function composeApp(appDir: string): ResolvedApp {
  const app = readApp(appDir);
  const closure = collectClosure(app);
  const candidates = [...closure.values()].flatMap((p) => (p.candidate ? [p.candidate] : []));
  try {
    const composition = resolveComposition({
      app: { name: app.name, requires: app.requires, select: app.select },
      candidates,
      available: workspaceProviders(app.dir),
      manifestPath: app.manifestPath,
    });
    return { app, closure, composition };
  } catch (e) {
    if (e instanceof RkResolveError) throw new RkUsageError(e.message);
    throw e;
  }
}

/** Where rkboot is for this app: in its closure, else next to rk itself. */
export function locateRkboot(closure: Map<string, InstalledPackage>): {
  dir: string;
  nodeModules: string;
  version: string;
} {
  const inClosure = closure.get('@runikraft/rkboot');
  if (inClosure) return inClosure;
  const found = findPackage('@runikraft/rkboot', rkHome());
  if (!found)
    throw new RkUsageError(
      "rk build: @runikraft/rkboot is not installed: add it to the app's dependencies (pnpm add @runikraft/rkboot)",
    );
  return { ...found, version: '' };
}
