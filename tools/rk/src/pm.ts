// Which package manager the user is in, so that rk's fix hints are commands that work where they stand:
// a pnpm workspace needs `pnpm add --workspace` for a workspace package, npm wants `npm install`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

/** Where the app lives: its package manager and, in a pnpm workspace, the workspace root. */
export interface PmContext {
  pm: PackageManager;
  /** The pnpm workspace root the app belongs to, if any. */
  workspaceRoot?: string;
  /** Package names of the workspace (for `--workspace`). */
  workspacePackages: ReadonlySet<string>;
}

function findUp(from: string, file: string): string | undefined {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, file))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** From the lockfile nearest to the app, else the user agent of the command that ran rk (npx, pnpm exec). */
export function detectPm(appDir: string, workspacePackages: Iterable<string> = []): PmContext {
  const ws = findUp(appDir, 'pnpm-workspace.yaml');
  const set = new Set(workspacePackages);
  if (ws) return { pm: 'pnpm', workspaceRoot: ws, workspacePackages: set };
  const locks: [string, PackageManager][] = [
    ['pnpm-lock.yaml', 'pnpm'],
    ['package-lock.json', 'npm'],
    ['yarn.lock', 'yarn'],
  ];
  for (let d = appDir; ; d = dirname(d)) {
    for (const [f, pm] of locks) if (existsSync(join(d, f))) return { pm, workspacePackages: set };
    if (existsSync(join(d, 'package.json')) && hasPackageManagerField(join(d, 'package.json')))
      break;
    if (dirname(d) === d) break;
  }
  const agent = process.env.npm_config_user_agent ?? '';
  const pm: PackageManager = agent.startsWith('pnpm')
    ? 'pnpm'
    : agent.startsWith('yarn')
      ? 'yarn'
      : 'npm';
  return { pm, workspacePackages: set };
}

function hasPackageManagerField(file: string): boolean {
  try {
    return typeof JSON.parse(readFileSync(file, 'utf8')).packageManager === 'string';
  } catch {
    return false;
  }
}

/** The command that adds `pkgs` to the app's dependencies, run in the app's directory. */
export function addCommand(ctx: PmContext, pkgs: readonly string[]): string {
  const list = pkgs.join(' ');
  if (ctx.pm === 'pnpm')
    return ctx.workspaceRoot && pkgs.every((p) => ctx.workspacePackages.has(p))
      ? `pnpm add --workspace ${list}`
      : `pnpm add ${list}`;
  return ctx.pm === 'yarn' ? `yarn add ${list}` : `npm install ${list}`;
}

/** The command that installs what package.json lists (where to run it is part of the text). */
export function installCommand(ctx: PmContext, appDirShown: string): string {
  if (ctx.pm === 'pnpm')
    return ctx.workspaceRoot
      ? 'pnpm install (in the workspace root)'
      : `pnpm install in ${appDirShown}`;
  return ctx.pm === 'yarn' ? `yarn install in ${appDirShown}` : `npm install in ${appDirShown}`;
}
