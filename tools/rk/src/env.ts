// Generates build/rk-env.d.ts: the declaration that makes the composed APIs' types visible to the app
// (importing an interface package's types merges its API into rkboot's RkApiRegistry, so
// `registry.get('rkalloc')` types without boilerplate) and declares the guest globals rkboot installs.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RkComposition } from '@runikraft/rkboot';
import { findPackage, type InstalledPackage } from './closure';

/** The file name rk writes into the build directory (an app's tsconfig may include it for editors). */
export const ENV_FILE = 'rk-env.d.ts';

const GLOBALS = `declare global {
  /** The guest console rkboot installs: each call prints one line on the kernel console. */
  var console: {
    log(...data: unknown[]): void;
    info(...data: unknown[]): void;
    debug(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
    trace(...data: unknown[]): void;
    table(...data: unknown[]): void;
    assert(condition?: unknown, ...data: unknown[]): void;
    count(label?: string): void;
    countReset(label?: string): void;
    dir(item?: unknown): void;
  };
  /** UTF-8 encoder rkboot installs. */
  var TextEncoder: { new (): { readonly encoding: string; encode(input?: string): Uint8Array } };
  /** UTF-8 decoder rkboot installs. */
  var TextDecoder: {
    new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): {
      readonly encoding: string;
      decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
    };
  };
}`;

/** The types file of an installed package's main export (source under the workspace condition). */
function typesFile(dir: string): string | undefined {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, any>;
  const dot =
    typeof pkg.exports === 'object' && pkg.exports ? (pkg.exports['.'] ?? pkg.exports) : {};
  for (const f of [dot['@runikraft/source'], dot.types, pkg.types, pkg.typings])
    if (typeof f === 'string' && existsSync(join(dir, f))) return join(dir, f);
  return undefined;
}

/**
 * How the env file imports the types of `api`: the interface package `@runikraft/<api>` by name when the
 * app can resolve it, else the provider's package (whose types import the interface), else the
 * interface package's types file by path (pnpm's strict node_modules hide transitive packages).
 */
function apiSpecifier(
  api: string,
  provider: string,
  outDir: string,
  closure: ReadonlyMap<string, InstalledPackage>,
): string | undefined {
  const iface = `@runikraft/${api}`;
  if (findPackage(iface, outDir)) return iface;
  const inClosure = closure.get(iface);
  const bypath = inClosure && packageSpecifier(iface, inClosure.dir, outDir);
  if (bypath) return bypath;
  return findPackage(provider, outDir) ? provider : undefined;
}

/**
 * The type of one `runikraft.globals` entry over the package namespace `ns`: `"RkURL"` is the export
 * itself (`typeof RkURL`), `"clockGlobals().performance"` a member of what an exported factory returns,
 * `"RkThing.member"` a member of an export. @returns undefined for any other form.
 */
export function globalType(ns: string, spec: string): string | undefined {
  const m = /^([A-Za-z_$][\w$]*)(\(\))?(?:\.([A-Za-z_$][\w$]*))?$/.exec(spec);
  if (!m) return undefined;
  const base = m[2] ? `ReturnType<typeof ${ns}.${m[1]}>` : `(typeof ${ns}.${m[1]})`;
  if (m[3]) return `${base}['${m[3]}']`;
  return m[2] ? base : `typeof ${ns}.${m[1]}`;
}

/**
 * `declare global` lines for the guest globals composed packages install, from their package.json
 * `runikraft.globals` (global name → export, see {@link globalType}; a capitalised global whose export
 * is a class also gets its instance type). A package counts when it is a composed library or the
 * interface package of a composed API (`@runikraft/rksched` installs timers for every scheduler).
 */
function libraryGlobals(
  composition: RkComposition,
  outDir: string,
  closure: ReadonlyMap<string, InstalledPackage>,
): { imports: string[]; decls: string[] } {
  const imports: string[] = [];
  const decls: string[] = [];
  const names = new Set([
    ...composition.libraries.map((l) => l.name),
    ...composition.choices.map((c) => `@runikraft/${c.api}`),
  ]);
  for (const name of [...names].sort()) {
    const pkg = closure.get(name);
    const globals = pkg?.runikraft?.globals;
    if (!pkg || typeof globals !== 'object' || globals === null) continue;
    const spec = packageSpecifier(name, pkg.dir, outDir);
    if (!spec) continue;
    const ns = `__g${imports.length}`;
    imports.push(`import type * as ${ns} from ${JSON.stringify(spec)};`);
    for (const [global, exported] of Object.entries(globals as Record<string, unknown>)) {
      const type = typeof exported === 'string' ? globalType(ns, exported) : undefined;
      if (!type || !/^[A-Za-z_$][\w$]*$/.test(global)) continue;
      decls.push(`  /** Installed by ${name}. */`, `  var ${global}: ${type};`);
      if (/^[A-Z]/.test(global) && /^[A-Za-z_$][\w$]*$/.test(exported as string))
        decls.push(`  type ${global} = ${ns}.${exported};`);
    }
  }
  return { imports, decls };
}

/** A specifier for package `name` (installed at `dir`) that resolves from the build directory. */
function packageSpecifier(name: string, dir: string, outDir: string) {
  if (findPackage(name, outDir)) return name;
  const f = typesFile(dir);
  if (!f) return undefined;
  const rel = relative(outDir, f).split('\\').join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The source of build/rk-env.d.ts for a composition. */
export function generateEnv(
  appName: string,
  composition: RkComposition,
  outDir: string,
  closure: ReadonlyMap<string, InstalledPackage>,
): string {
  const lines = [
    `// Generated by rk build for ${appName}; do not edit (it is rewritten on every build).`,
    '// The composed APIs: importing their types adds each one to rkboot’s RkApiRegistry.',
  ];
  for (const c of composition.choices) {
    if (c.api === 'rkplat') continue; // rkboot's registry has it already
    const spec = apiSpecifier(c.api, c.provider.name, outDir, closure);
    if (spec) lines.push(`import type {} from ${JSON.stringify(spec)}; // ${c.text}`);
  }
  const g = libraryGlobals(composition, outDir, closure);
  lines.push(...g.imports, 'export {};', '');
  lines.push(
    GLOBALS.replace(/\n}$/, g.decls.length > 0 ? `\n${g.decls.join('\n')}\n}` : '\n}'),
    '',
  );
  return lines.join('\n');
}
