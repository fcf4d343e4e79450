// The release the registry test publishes, made as a maintainer makes one, but away from the
// repository: the workspace's manifests and public packages (with their dist/) are copied to a
// temporary folder, a changeset is generated there, and `changeset version` (the repository's
// @changesets/cli and .changeset/config.json) applies it and any pending ones. The repository is only
// read. `pnpm publish` in that copy then publishes what changesets computed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { publicPackages, repoRoot, workspacePackages } from './workspace';

export type Bump = 'patch' | 'minor' | 'major';

export interface Release {
  /** The copy: a workspace pnpm can publish from. */
  readonly dir: string;
  /** Each public package's version after `changeset version`. */
  readonly versions: ReadonlyMap<string, string>;
  /** What `changeset version` printed. */
  readonly log: string;
}

/** Bumps a plain x.y.z version as semver does (what a single changeset asks for). */
export function bump(version: string, kind: Bump): string {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  if (kind === 'major') return `${major + 1}.0.0`;
  if (kind === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** Copies the workspace into `dir`, adds a changeset asking for `bumps`, runs `changeset version`. */
export function prepareRelease(dir: string, bumps: Readonly<Record<string, Bump>>): Release {
  const skip = /(^|\/)(node_modules|\.turbo|\.rk|build)(\/|$)/;
  mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'pnpm-workspace.yaml', 'LICENSE'])
    cpSync(join(repoRoot, f), join(dir, f));
  cpSync(join(repoRoot, '.changeset'), join(dir, '.changeset'), { recursive: true });
  const isPublic = new Set(publicPackages().map((p) => p.dir));
  for (const p of workspacePackages()) {
    const to = join(dir, relative(repoRoot, p.dir));
    if (isPublic.has(p.dir))
      cpSync(p.dir, to, {
        recursive: true,
        filter: (src) => !skip.test(relative(p.dir, src)),
      });
    else {
      // private packages (apps, test kits): changesets reads their manifests, never releases them
      mkdirSync(to, { recursive: true });
      cpSync(join(p.dir, 'package.json'), join(to, 'package.json'));
    }
  }
  // The CLI resolves its changelog generator from the project: the repository's, read-only.
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  // pnpm publish turns `workspace:` ranges into the versions of the packages installed there: link
  // each public package's workspace dependencies to their copies, as `pnpm install` would.
  const copyOf = new Map(
    workspacePackages().map((p) => [p.name, join(dir, relative(repoRoot, p.dir))]),
  );
  for (const p of publicPackages()) {
    const deps = { ...p.json.dependencies, ...p.json.devDependencies, ...p.json.peerDependencies };
    for (const [name, spec] of Object.entries(deps as Record<string, string>)) {
      const target = copyOf.get(name);
      if (!String(spec).startsWith('workspace:') || !target) continue;
      const link = join(copyOf.get(p.name)!, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(target, link, 'dir');
    }
  }
  const front = Object.entries(bumps)
    .map(([name, kind]) => `"${name}": ${kind}`)
    .join('\n');
  writeFileSync(
    join(dir, '.changeset', 'registry-test-release.md'),
    `---\n${front}\n---\n\nThe registry test's release.\n`,
  );
  const log = execFileSync(
    process.execPath,
    [join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  const versions = new Map<string, string>();
  for (const p of publicPackages()) {
    const json = JSON.parse(
      readFileSync(join(dir, relative(repoRoot, p.dir), 'package.json'), 'utf8'),
    );
    versions.set(p.name, json.version);
  }
  return { dir, versions, log };
}
