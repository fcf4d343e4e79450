// Walks an app's dependency closure with Node's package resolution (pnpm workspace symlinks
// included) and collects the packages that carry a `runikraft` field: the resolver's candidates.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RkCandidate } from '@runikraft/rkboot';
import type { AppConfig } from './app';
import { RkUsageError } from './errors';
import { installCommand, type PmContext } from './pm';

/** One installed package of the closure. */
export interface InstalledPackage {
  name: string;
  version: string;
  /** Real directory (symlinks resolved). */
  dir: string;
  /** The node_modules folder it was found in (esbuild resolves its imports from there). */
  nodeModules: string;
  /** The `runikraft` field, when present. */
  runikraft?: Record<string, unknown>;
  candidate?: RkCandidate;
}

/** Finds `name` from `fromDir` as Node does: `<dir>/node_modules/<name>` walking up. */
export function findPackage(
  name: string,
  fromDir: string,
): { dir: string; nodeModules: string } | undefined {
  for (let d = fromDir; ; d = dirname(d)) {
    const nm = join(d, 'node_modules');
    if (existsSync(join(nm, name, 'package.json')))
      return { dir: realpathSync(join(nm, name)), nodeModules: nm };
    if (dirname(d) === d) return undefined;
  }
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Turns a package.json into a resolver candidate if it has a `runikraft` field. */
export function toCandidate(
  pkg: Record<string, unknown>,
  direct: boolean,
): RkCandidate | undefined {
  const rk = pkg.runikraft;
  if (typeof rk !== 'object' || rk === null) return undefined;
  const f = rk as Record<string, unknown>;
  const name = String(pkg.name);
  const provides = strings(f.provides);
  let platform: RkCandidate['platform'];
  if (typeof f.platform === 'object' && f.platform !== null)
    platform = f.platform as RkCandidate['platform'];
  else if (provides.includes('rkplat'))
    platform = { entry: `${name}/plat`, machine: `${name}/machine` };
  return {
    name,
    version: String(pkg.version ?? '0.0.0'),
    provides,
    requires: strings(f.requires),
    direct,
    ...(platform ? { platform } : {}),
  };
}

/**
 * Every package reachable from the app through `dependencies` (and, where installed,
 * `optionalDependencies` and `peerDependencies`), keyed by name.
 * @throws RkUsageError when a dependency is not installed (with the `pnpm install` fix).
 */
export function collectClosure(app: AppConfig, pm?: PmContext): Map<string, InstalledPackage> {
  const out = new Map<string, InstalledPackage>();
  const queue: { name: string; from: string; by: string; optional?: boolean }[] =
    app.dependencies.map((name) => ({
      name,
      from: app.dir,
      by: app.name,
    }));
  const direct = new Set(app.dependencies);
  while (queue.length > 0) {
    const { name, from, by, optional } = queue.shift()!;
    const found = findPackage(name, from);
    const seen = out.get(name);
    if (seen) {
      if (found && found.dir !== seen.dir && seen.runikraft) throw twoCopies(seen, found.dir, by);
      continue;
    }
    if (!found && optional) continue;
    if (!found)
      throw new RkUsageError(
        `rk: ${name} (a dependency of ${by}) is not installed\n  fix: run ${pm ? installCommand(pm, app.manifestPath.replace(/\/?package\.json$/, '') || '.') : 'npm install'}`,
      );
    const pkg = JSON.parse(readFileSync(join(found.dir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const entry: InstalledPackage = { name, version: String(pkg.version ?? '0.0.0'), ...found };
    if (typeof pkg.runikraft === 'object' && pkg.runikraft !== null) {
      entry.runikraft = pkg.runikraft as Record<string, unknown>;
      entry.candidate = toCandidate(pkg, direct.has(name));
    }
    out.set(name, entry);
    for (const [field, optional] of [
      ['dependencies', false],
      ['optionalDependencies', true],
      ['peerDependencies', true],
    ] as const) {
      const deps = pkg[field];
      if (typeof deps === 'object' && deps !== null)
        for (const d of Object.keys(deps))
          queue.push({ name: d, from: found.dir, by: name, optional });
    }
  }
  return out;
}

/** Two installed copies of one Runikraft package would give the image two registries' worth of it. */
function twoCopies(seen: InstalledPackage, otherDir: string, by: string): RkUsageError {
  let other = '?';
  try {
    other = String(JSON.parse(readFileSync(join(otherDir, 'package.json'), 'utf8')).version);
  } catch {
    // unreadable: the version stays unknown
  }
  return new RkUsageError(
    `rk: two copies of ${seen.name} are installed: ${seen.version} at ${seen.dir} and ${other} at ${otherDir} (the latter for ${by}); an image may contain only one\n  fix: align the version ranges and run pnpm dedupe (or pnpm install)`,
  );
}

/** Providers in the surrounding workspace (packages/*, platforms/*): hints for a missing API. */
export function workspaceProviders(fromDir: string): { name: string; provides: string[] }[] {
  let root = fromDir;
  while (!existsSync(join(root, 'pnpm-workspace.yaml'))) {
    if (dirname(root) === root) return [];
    root = dirname(root);
  }
  const out: { name: string; provides: string[] }[] = [];
  for (const group of ['packages', 'platforms']) {
    const g = join(root, group);
    if (!existsSync(g)) continue;
    for (const d of readdirSync(g)) {
      try {
        const c = toCandidate(JSON.parse(readFileSync(join(g, d, 'package.json'), 'utf8')), false);
        if (c && c.provides.length > 0) out.push({ name: c.name, provides: [...c.provides] });
      } catch {
        // not a package (or half-written by a concurrent edit): no hint from it
      }
    }
  }
  return out;
}
