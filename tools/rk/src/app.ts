// Reads and validates an app's package.json `runikraft` field (DESIGN.md §3, AGENTS.md contract).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { RkUsageError } from './errors';

/** Machine defaults an app may declare; the `rk run` command line overrides them. */
export interface AppMachineDefaults {
  memory?: string | number;
  bios?: 'default' | 'none';
  clock?: 'host' | 'virtual';
  append?: string;
  smp?: number;
  aclint?: boolean;
  /** Default `-device`/`-netdev`/`-drive` lists; a list given on the command line replaces the app's. */
  device?: string[];
  netdev?: string[];
  drive?: string[];
  /** Default `-fsdev` / `-virtfs` lists (9P shares; relative paths are relative to the working directory). */
  fsdev?: string[];
  virtfs?: string[];
}

/** A validated app description. */
export interface AppConfig {
  /** Absolute app directory. */
  dir: string;
  /** The app's package.json as printed in messages (relative to cwd). */
  manifestPath: string;
  name: string;
  version: string;
  dependencies: string[];
  entry: string;
  requires: string[];
  select: Record<string, string>;
  params: Record<string, string | number | boolean>;
  /** Prefix of the app's own boot parameters (`runikraft.paramPrefix`; default {@link defaultParamPrefix}). */
  paramPrefix?: string;
  machine: AppMachineDefaults;
}

const APP_KEYS = [
  'entry',
  'select',
  'params',
  'paramPrefix',
  'machine',
  'requires',
  'provides',
  'program',
];

/** `@scope/app-httpreply` → `httpreply`: the package name without scope and an `app-` prefix. */
export function defaultParamPrefix(name: string): string {
  return name.replace(/^@[^/]+\//, '').replace(/^app-/, '');
}

/** The prefix of `app`'s own boot parameters (`httpreply` for `httpreply.port=`). */
export const appParamPrefix = (app: AppConfig): string =>
  app.paramPrefix ?? defaultParamPrefix(app.name);
const MACHINE_KEYS = [
  'memory',
  'bios',
  'clock',
  'append',
  'smp',
  'aclint',
  'device',
  'netdev',
  'drive',
  'fsdev',
  'virtfs',
];

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads `<dir>/package.json` and checks its `runikraft` field.
 * @throws RkUsageError naming the file, the field and what is accepted.
 */
export function readApp(dir: string): AppConfig {
  const abs = resolve(dir);
  const file = join(abs, 'package.json');
  const shown = relative(process.cwd(), file) || 'package.json';
  if (!existsSync(file))
    throw new RkUsageError(
      `rk: ${shown} not found: '${dir}' is not an app directory (an app is a folder with a package.json that has a "runikraft" field)`,
    );
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RkUsageError(`rk: ${shown} is not valid JSON: ${(e as Error).message}`);
  }
  const bad = (field: string, want: string) =>
    new RkUsageError(`rk: ${shown}: "${field}" must be ${want}`);
  if (pkg.runikraft === undefined)
    throw new RkUsageError(
      `rk: ${shown} has no "runikraft" field, so it is not a Runikraft app (add "runikraft": {"entry": "src/main.ts"} and depend on a platform such as @runikraft/plat-qemu-riscv)`,
    );
  const rk = pkg.runikraft;
  if (!isObj(rk)) throw bad('runikraft', 'an object');
  for (const k of Object.keys(rk)) {
    if (!APP_KEYS.includes(k))
      throw new RkUsageError(
        `rk: ${shown}: unknown key "runikraft.${k}" (known: ${APP_KEYS.join(', ')})`,
      );
  }
  const entry = rk.entry ?? 'src/main.ts';
  if (typeof entry !== 'string')
    throw bad('runikraft.entry', 'a path string such as "src/main.ts"');
  if (!existsSync(join(abs, entry)))
    throw new RkUsageError(
      `rk: ${shown}: "runikraft.entry" names ${entry}, which does not exist in ${relative(process.cwd(), abs) || '.'}`,
    );
  const select = rk.select ?? {};
  if (!isObj(select) || Object.values(select).some((v) => typeof v !== 'string'))
    throw bad('runikraft.select', 'an object {"<api>": "<package>"}');
  const params = rk.params ?? {};
  if (
    !isObj(params) ||
    Object.values(params).some((v) => !['string', 'number', 'boolean'].includes(typeof v))
  )
    throw bad('runikraft.params', 'an object {"<lib>.<param>": string | number | boolean}');
  const paramPrefix = rk.paramPrefix;
  if (
    paramPrefix !== undefined &&
    (typeof paramPrefix !== 'string' || !/^[a-z_][a-z0-9_-]*$/i.test(paramPrefix))
  )
    throw bad('runikraft.paramPrefix', 'a name such as "httpreply" (letters, digits, _ and -)');
  const requires = rk.requires ?? [];
  if (!Array.isArray(requires) || requires.some((v) => typeof v !== 'string'))
    throw bad('runikraft.requires', 'an array of API names');
  const machine = rk.machine ?? {};
  if (!isObj(machine)) throw bad('runikraft.machine', 'an object');
  for (const k of Object.keys(machine)) {
    if (!MACHINE_KEYS.includes(k))
      throw new RkUsageError(
        `rk: ${shown}: unknown key "runikraft.machine.${k}" (known: ${MACHINE_KEYS.join(', ')})`,
      );
  }
  for (const k of ['device', 'netdev', 'drive', 'fsdev', 'virtfs']) {
    const v = machine[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string')))
      throw bad(`runikraft.machine.${k}`, `an array of QEMU -${k} strings`);
  }
  if (typeof pkg.name !== 'string') throw bad('name', 'a string');
  const deps = pkg.dependencies ?? {};
  if (!isObj(deps)) throw bad('dependencies', 'an object');
  return {
    dir: abs,
    manifestPath: shown,
    name: pkg.name,
    version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
    dependencies: Object.keys(deps).sort(),
    entry,
    requires: requires as string[],
    select: select as Record<string, string>,
    params: params as Record<string, string | number | boolean>,
    ...(paramPrefix !== undefined && { paramPrefix }),
    machine: machine as AppMachineDefaults,
  };
}
