// The repository's packages as the tests see them: which are public, and whether they are built.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: the nearest folder above this file with a pnpm-workspace.yaml (also when bundled). */
export const repoRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml')))
    if (dir === (dir = dirname(dir))) throw new Error('no pnpm-workspace.yaml above tools/publish');
  return dir;
})();

export interface WorkspacePackage {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly json: Record<string, any>;
}

/** Every workspace package (packages/, platforms/, tools/, apps/). */
export function workspacePackages(): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const group of ['packages', 'platforms', 'tools', 'apps'])
    for (const entry of readdirSync(join(repoRoot, group)).sort()) {
      const file = join(repoRoot, group, entry, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8'));
      out.push({ dir: join(repoRoot, group, entry), name: json.name, version: json.version, json });
    }
  return out;
}

/** The packages `pnpm -r publish` publishes. */
export const publicPackages = () => workspacePackages().filter((p) => !p.json.private);
