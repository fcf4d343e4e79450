// The version range written for each package a template lists: this package's own devDependencies,
// which `pnpm publish` rewrites from `workspace:^` to the released versions (so a scaffold asks for the
// releases create-runikraft was published with). Run from the repository, `workspace:` ranges are
// resolved to the linked packages' versions.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (this file is in src/ or dist/, one level below it). */
export const packageRoot = (): string => dirname(dirname(fileURLToPath(import.meta.url)));

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** This package's own version. */
export const ownVersion = (): string => readJson(join(packageRoot(), 'package.json')).version;

/**
 * Version ranges for `names`.
 * @throws Error naming a package this create-runikraft does not know a version of (a template
 *   listing a package missing from devDependencies: a packaging bug).
 */
export function versionRanges(names: readonly string[]): Record<string, string> {
  const root = packageRoot();
  const dev: Record<string, string> = readJson(join(root, 'package.json')).devDependencies ?? {};
  const out: Record<string, string> = {};
  for (const name of [...names].sort()) {
    const range = dev[name];
    if (range === undefined)
      throw new Error(
        `create-runikraft: no version known for ${name} (not in its devDependencies)`,
      );
    out[name] = range.startsWith('workspace:')
      ? `^${readJson(join(root, 'node_modules', name, 'package.json')).version}`
      : range;
  }
  return out;
}
