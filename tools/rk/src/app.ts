// Reads and validates an app's package.json `runikraft` field (docs/DESIGN.md §3).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { type FieldProblem, machineProblems } from './app-machine';
import { RkUsageError } from './errors';
import { type ProgramDecl, readPrograms } from './programs';
import { didYouMean } from './suggest';

/** Machine defaults an app may declare; the `rk run` command line overrides them. */
export interface AppMachineDefaults {
  memory?: string | number;
  bios?: 'default' | 'none';
  clock?: 'host' | 'virtual';
  append?: string;
  /** Harts, or a QEMU -smp topology string ("2,sockets=1,cores=2"). */
  smp?: number | string;
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
  /** The main: a TypeScript module or a program; empty with `programs` and no `runikraft.entry` (rk build generates it). */
  entry: string;
  /** `runikraft.programs`: several wasm programs in the image (programs.ts). */
  programs?: ProgramDecl[];
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
  'programs',
];

/** `@scope/app-httpreply` → `httpreply`: the package name without scope and an `app-` prefix. */
export function defaultParamPrefix(name: string): string {
  return name.replace(/^@[^/]+\//, '').replace(/^app-/, '');
}

/** The prefix of `app`'s own boot parameters (`httpreply` for `httpreply.port=`). */
export const appParamPrefix = (app: AppConfig): string =>
  app.paramPrefix ?? defaultParamPrefix(app.name);

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** package.json problems, each naming its field; rk reports them all at once. */
export class RkAppError extends RkUsageError {
  constructor(
    readonly manifestPath: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(formatFieldProblems(manifestPath, problems));
    this.name = 'RkAppError';
  }
}

/** `rk: app/package.json: 2 problems:` and one line per problem, `field: message`. */
export function formatFieldProblems(shown: string, problems: readonly FieldProblem[]): string {
  const head = `rk: ${shown}: ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}:`;
  return [head, ...problems.map((p) => `  ${p.field}: ${p.message}`)].join('\n');
}

/**
 * Reads `<dir>/package.json` and checks its `runikraft` field.
 * @throws RkUsageError for a missing or unreadable package.json or one without a `runikraft` field;
 *   RkAppError listing every bad field otherwise.
 */
export function readApp(dir: string): AppConfig {
  const { app, problems } = readAppChecked(dir);
  if (problems.length > 0) throw new RkAppError(app.manifestPath, problems);
  return app;
}

/**
 * Reads `<dir>/package.json`, collecting every field problem instead of stopping at the first
 * (bad fields fall back to their defaults in the returned config).
 * @throws RkUsageError only when there is no app to read (no file, bad JSON, no `runikraft` field).
 */
export function readAppChecked(dir: string): { app: AppConfig; problems: FieldProblem[] } {
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
  if (pkg.runikraft === undefined)
    throw new RkUsageError(
      `rk: ${shown} has no "runikraft" field, so it is not a Runikraft app (add "runikraft": {"entry": "src/main.ts"} and depend on a platform such as @runikraft/plat-qemu-riscv)`,
    );
  const problems: FieldProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, message });
  const rk = isObj(pkg.runikraft) ? pkg.runikraft : {};
  if (!isObj(pkg.runikraft)) bad('runikraft', 'must be an object');
  for (const k of Object.keys(rk))
    if (!APP_KEYS.includes(k))
      bad(
        `runikraft.${k}`,
        `unknown key${didYouMean(k, APP_KEYS)} (known: ${APP_KEYS.join(', ')})`,
      );
  // With runikraft.programs and no entry, rk build generates a main that starts the programs.
  let entry = rk.entry ?? (rk.programs !== undefined ? '' : 'src/main.ts');
  if (typeof entry !== 'string') {
    bad('runikraft.entry', 'must be a path string such as "src/main.ts"');
    entry = 'src/main.ts';
  } else if (entry !== '' && !existsSync(join(abs, entry)))
    bad(
      'runikraft.entry',
      `names ${entry}, which does not exist in ${relative(process.cwd(), abs) || '.'}`,
    );
  let select = rk.select ?? {};
  if (!isObj(select) || Object.values(select).some((v) => typeof v !== 'string')) {
    bad('runikraft.select', 'must be an object {"<api>": "<package>"}');
    select = {};
  }
  const params = isObj(rk.params) ? { ...rk.params } : {};
  if (rk.params !== undefined && !isObj(rk.params))
    bad('runikraft.params', 'must be an object {"<lib>.<param>": string | number | boolean}');
  for (const [k, v] of Object.entries(params))
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      bad(`runikraft.params["${k}"]`, `${JSON.stringify(v)} is not a string, number or boolean`);
      delete params[k];
    }
  let paramPrefix = rk.paramPrefix;
  if (
    paramPrefix !== undefined &&
    (typeof paramPrefix !== 'string' || !/^[a-z_][a-z0-9_-]*$/i.test(paramPrefix))
  ) {
    bad('runikraft.paramPrefix', 'must be a name such as "httpreply" (letters, digits, _ and -)');
    paramPrefix = undefined;
  }
  let requires = rk.requires ?? [];
  if (!Array.isArray(requires) || requires.some((v) => typeof v !== 'string')) {
    bad('runikraft.requires', 'must be an array of API names');
    requires = [];
  }
  let machine = rk.machine ?? {};
  if (!isObj(machine)) {
    bad('runikraft.machine', 'must be an object');
    machine = {};
  } else {
    const mp = machineProblems(machine);
    problems.push(...mp);
    machine = Object.fromEntries(
      Object.entries(machine).filter(([k]) => !mp.some((p) => p.field.split(/[.[]/)[2] === k)),
    );
  }
  if (typeof pkg.name !== 'string') bad('name', 'must be a string');
  let deps = pkg.dependencies ?? {};
  if (!isObj(deps)) {
    bad('dependencies', 'must be an object');
    deps = {};
  }
  const declared = readPrograms(rk, abs, params, Object.keys(deps as object));
  problems.push(...declared.problems);
  const programs = declared.programs;
  return {
    app: {
      dir: abs,
      manifestPath: shown,
      name: typeof pkg.name === 'string' ? pkg.name : 'app',
      version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
      dependencies: Object.keys(deps as object).sort(),
      entry: entry as string,
      ...(programs && { programs }),
      requires: requires as string[],
      select: select as Record<string, string>,
      params: params as Record<string, string | number | boolean>,
      ...(typeof paramPrefix === 'string' && { paramPrefix }),
      machine: machine as AppMachineDefaults,
    },
    problems,
  };
}
