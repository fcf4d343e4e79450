// Several wasm programs in one image (package.json `runikraft.programs`), as Cargo's `[[bin]]`
// targets are several programs of one package: each entry names a program and how to build it,
//   "programs": [ { "name": "httpd", "entry": "src/httpd.c" },
//                 { "name": "fetch", "entry": "src/fetch.c", "sources": [...], "cflags": [...] } ],
//   "params": { "libc.start": "httpd 8080 & fetch http://127.0.0.1:8080/" }
// rk build compiles each (wasm-toolchain.ts) into build/programs/<name>.wasm and generates the main:
// without `runikraft.entry` it runs `libc.start`'s command list (or the command after `--`); with a
// TypeScript entry it defines the programs in libc-shim and calls that main, which starts them by
// name (`registry.get('libc').spawn('httpd', {args})`). Every package.json problem is collected and
// reported in one run, each naming its field.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { CmdlineError, parseCommandList } from '@runikraft/rkparam';
import type { AppConfig } from './app';
import type { FieldProblem } from './app-machine';
import { findPackage } from './closure';
import { RkUsageError } from './errors';
import { didYouMean } from './suggest';
import { buildWasm, buildWasmBoth } from './wasm-toolchain';

export const LIBC = '@runikraft/libc-shim';
/** What a program entry is: C, C++, a Rust crate root or a prebuilt .wasm. */
export const PROGRAM_ENTRY = /\.(c|cc|cpp|cxx|rs|wasm)$/;
/** A program's name is its argv[0], its file name and a word of `libc.start`'s command list. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const SPEC_KEYS = ['sources', 'cflags', 'ldflags', 'asyncify'];
const PROGRAMS_KEYS = ['name', 'entry', ...SPEC_KEYS];
const START = 'libc.start';

/** How to build one program. */
export interface ProgramSpec {
  sources: string[];
  cflags: string[];
  ldflags: string[];
  asyncify: boolean;
}

/** One of `runikraft.programs`. */
export interface ProgramDecl extends ProgramSpec {
  name: string;
  /** The C/C++ source, Rust crate root or .wasm, relative to the app. */
  entry: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the build fields of a program object (`runikraft.program`, or one of
 * `runikraft.programs` with `named`): types, unknown keys, and that every source exists.
 */
export function checkProgramSpec(
  p: Record<string, unknown>,
  field: string,
  appDir: string,
  named: boolean,
): { spec: ProgramSpec; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const bad = (f: string, message: string) => problems.push({ field: `${field}${f}`, message });
  const keys = named ? PROGRAMS_KEYS : SPEC_KEYS;
  for (const k of Object.keys(p))
    if (!keys.includes(k))
      bad(`.${k}`, `unknown key${didYouMean(k, keys)} (known: ${keys.join(', ')})`);
  const list = (k: string): string[] => {
    const v = p[k] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      bad(`.${k}`, 'must be an array of strings');
      return [];
    }
    return v as string[];
  };
  const sources = list('sources');
  sources.forEach((s, i) => {
    if (!existsSync(resolve(appDir, s)))
      bad(`.sources[${i}]`, `${s} does not exist in ${relative(process.cwd(), appDir) || '.'}`);
  });
  const asyncify = p.asyncify ?? true;
  if (typeof asyncify !== 'boolean') bad('.asyncify', 'must be true or false');
  return {
    spec: {
      sources,
      cflags: list('cflags'),
      ldflags: list('ldflags'),
      asyncify: asyncify === true,
    },
    problems,
  };
}

/**
 * Reads `runikraft.programs` and what refers to it (`runikraft.entry`, `runikraft.program`,
 * `libc.start` in `runikraft.params`, the dependency on libc-shim).
 * @returns the declarations (undefined when the app has none) and every problem found.
 */
export function readPrograms(
  rk: Record<string, unknown>,
  appDir: string,
  params: Record<string, unknown>,
  dependencies: readonly string[],
): { programs?: ProgramDecl[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, message });
  const start = params[START];
  const startField = `runikraft.params["${START}"]`;
  if (rk.programs === undefined) {
    if (start !== undefined)
      bad(startField, 'names programs to start, but the app declares no "runikraft.programs"');
    return { problems };
  }
  const where = relative(process.cwd(), appDir) || '.';
  const raw = rk.programs;
  if (!Array.isArray(raw) || raw.length === 0) {
    bad(
      'runikraft.programs',
      'must be a non-empty array of programs [{"name": "httpd", "entry": "src/httpd.c"}, ...]',
    );
    return { problems };
  }
  const programs: ProgramDecl[] = [];
  const seen = new Map<string, number>();
  raw.forEach((p, i) => {
    const field = `runikraft.programs[${i}]`;
    if (!isObj(p)) {
      bad(field, 'must be an object {name?, entry, sources?, cflags?, ldflags?, asyncify?}');
      return;
    }
    const { spec, problems: sp } = checkProgramSpec(p, field, appDir, true);
    problems.push(...sp);
    let entry = '';
    if (typeof p.entry !== 'string')
      bad(
        `${field}.entry`,
        'must be a C/C++ source, a Rust crate root or a .wasm file, such as "src/httpd.c"',
      );
    else if (!PROGRAM_ENTRY.test(p.entry))
      bad(
        `${field}.entry`,
        `${p.entry} is not a program (.c, .cc, .cpp, .cxx, .rs or .wasm); a TypeScript main is "runikraft.entry"`,
      );
    else if (!existsSync(resolve(appDir, p.entry)))
      bad(`${field}.entry`, `names ${p.entry}, which does not exist in ${where}`);
    else entry = p.entry;
    const name =
      p.name ??
      (typeof p.entry === 'string' ? basename(p.entry).replace(/\.[^.]*$/, '') : undefined);
    if (typeof name !== 'string' || !NAME.test(name)) {
      bad(
        `${field}.name`,
        p.name === undefined
          ? 'is needed (the entry gives none)'
          : `${JSON.stringify(p.name)} is not a program name (letters, digits, '.', '_' and '-'; argv[0] and a word of ${START})`,
      );
      return;
    }
    const before = seen.get(name);
    if (before !== undefined) {
      bad(
        `${field}.name`,
        `'${name}' is also the name of runikraft.programs[${before}]${p.name === undefined ? ' (both from their entry file; give one a "name")' : ''}`,
      );
      return;
    }
    seen.set(name, i);
    if (entry) programs.push({ name, entry, ...spec });
  });
  const entry = rk.entry;
  if (typeof entry === 'string' && PROGRAM_ENTRY.test(entry))
    bad(
      'runikraft.entry',
      `is a program (${entry}) while "runikraft.programs" is declared: list it there (omit "entry" for a generated main running ${START}, or make it a TypeScript main)`,
    );
  if (rk.program !== undefined)
    bad(
      'runikraft.program',
      'configures a program entry; with "runikraft.programs" each program takes its sources and flags there',
    );
  if (!dependencies.includes(LIBC))
    bad('dependencies', `"runikraft.programs" run on ${LIBC}: add it to "dependencies"`);
  if (start !== undefined) {
    if (typeof start !== 'string') bad(startField, 'must be a command list string');
    else
      try {
        const names = [...seen.keys()];
        for (const c of parseCommandList(start)) {
          const n = c.argv[0]!;
          if (!seen.has(n))
            bad(
              startField,
              `starts '${n}', which "runikraft.programs" does not declare${didYouMean(n, names)} (declared: ${names.join(', ')})`,
            );
        }
      } catch (e) {
        if (!(e instanceof CmdlineError)) throw e;
        bad(startField, e.message);
      }
  }
  return { programs, problems };
}

/**
 * libc-shim's C side (`c/`: its headers and every `c/*.c` — sockets, service names), found through
 * the app's dependency on it. Null when that package has none (an older libc-shim).
 */
export function libcShimC(appDir: string): { include: string; sources: string[] } | null {
  const pkg = findPackage(LIBC, appDir);
  if (!pkg || !existsSync(join(pkg.dir, 'c', 'rk_socket.c'))) return null;
  const real = join(pkg.dir, 'c');
  const sources = readdirSync(real)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => join(real, f));
  return { include: join(real, 'include'), sources };
}

/**
 * Builds one program (or copies a prebuilt .wasm) to `out` (`x.wasm`): with asyncify (the default)
 * that is the asyncified build, and the build without asyncify goes to `x.plain.wasm` next to it,
 * the one libc-shim runs through JSPI (asyncify slows the whole program, SQLite ~4×, not only its
 * blocking calls); `x.plain.wasm` is removed otherwise.
 * @returns whether both builds were written. @throws RkUsageError from the toolchain.
 */
export function buildProgram(
  app: AppConfig,
  entry: string,
  spec: ProgramSpec,
  out: string,
  asyncify?: boolean,
): boolean {
  const plainOut = out.replace(/\.wasm$/, '.plain.wasm');
  rmSync(plainOut, { force: true });
  if (entry.endsWith('.wasm')) {
    copyFileSync(resolve(app.dir, entry), out);
    return false;
  }
  const opts = {
    sources: [entry, ...spec.sources].map((s) => resolve(app.dir, s)),
    cflags: spec.cflags,
    ldflags: spec.ldflags,
    cwd: app.dir,
    shim: libcShimC(app.dir) ?? undefined,
  };
  if (!(asyncify ?? spec.asyncify)) {
    copyFileSync(buildWasm({ ...opts, asyncify: false }), out);
    return false;
  }
  const built = buildWasmBoth(opts);
  copyFileSync(built.asyncified, out);
  copyFileSync(built.plain, plainOut);
  return true;
}

/**
 * The TypeScript that stands for the program built to `wasm` (a file in `dir`, where the generated
 * main is): with both builds, an object of two lazy loaders, each through a one-line module of its
 * own that esbuild bundles as a deferred ESM module, so the image copies out only the build it runs (a
 * dynamic import of the .wasm itself goes through esbuild's CommonJS interop, which copies the
 * bytes index by index: seconds for SQLite); with one, its bytes imported as `id`.
 * @returns the import lines and the expression.
 */
export function programSource(
  dir: string,
  wasm: string,
  both: boolean,
  id: string,
): { imports: string[]; expr: string } {
  const base = wasm.replace(/\.wasm$/, '');
  const loaders = [`${base}.asyncified.generated.ts`, `${base}.plain.generated.ts`];
  if (!both) {
    for (const f of loaders) rmSync(join(dir, f), { force: true });
    return { imports: [`import ${id} from './${wasm}';`], expr: id };
  }
  writeFileSync(
    join(dir, loaders[0]!),
    `// Generated by rk build: the asyncified build's bytes, for a lazy import.\nexport { default } from './${basename(wasm)}';\n`,
  );
  writeFileSync(
    join(dir, loaders[1]!),
    `// Generated by rk build: the plain build's bytes (no asyncify), for a lazy import.\nexport { default } from './${basename(base)}.plain.wasm';\n`,
  );
  const load = (f: string) => `() => import('./${f.replace(/\.ts$/, '')}').then((m) => m.default)`;
  return {
    imports: [],
    expr: `{ asyncified: ${load(loaders[0]!)}, plain: ${load(loaders[1]!)} }`,
  };
}

const lit = (v: unknown) => JSON.stringify(v);

/**
 * Builds every program into `<outDir>/programs/<name>.wasm` and writes `<outDir>/main.generated.ts`
 * (compile errors of all programs are reported together).
 * @returns the app with its entry replaced by the generated main.
 */
export function prepareProgramsMain(app: AppConfig, outDir: string, asyncify?: boolean): AppConfig {
  const programs = app.programs ?? [];
  const dir = join(outDir, 'programs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const failed: string[] = [];
  const both: boolean[] = [];
  programs.forEach((p, i) => {
    try {
      both[i] = buildProgram(app, p.entry, p, join(dir, `${p.name}.wasm`), asyncify);
    } catch (e) {
      if (!(e instanceof RkUsageError)) throw e;
      failed.push(`  runikraft.programs[${i}] (${p.name}): ${e.message.replace(/\n/g, '\n    ')}`);
    }
  });
  if (failed.length > 0)
    throw new RkUsageError(
      `rk: ${app.manifestPath}: ${failed.length === 1 ? '1 program' : `${failed.length} programs`} failed to build:\n${failed.join('\n')}`,
    );
  const user = app.entry
    ? (() => {
        const p = relative(outDir, join(app.dir, app.entry)).split('\\').join('/');
        return (p.startsWith('.') ? p : `./${p}`).replace(/\.ts$/, '');
      })()
    : null;
  const sources = programs.map((p, i) =>
    programSource(outDir, `programs/${p.name}.wasm`, both[i]!, `p${i}`),
  );
  const imports = [
    `import type { WasiProgramSource } from '${LIBC}';`,
    ...sources.flatMap((s) => s.imports),
  ];
  const table = `const programs: [string, WasiProgramSource][] = [${programs.map((p, i) => `[${lit(p.name)}, ${sources[i]!.expr}]`).join(', ')}];`;
  const body = user
    ? [
        `import user from ${lit(user)};`,
        `export * from ${lit(user)};`,
        ...imports,
        '',
        table,
        '',
        `/** Defines the programs in libc-shim, then runs the app's own main (${app.entry}). */`,
        `export default function main(args: RkMainArgs): ReturnType<typeof user> {`,
        `  const libc = args.registry.get('libc');`,
        `  for (const [name, bytes] of programs) libc.define(name, bytes);`,
        `  return (user as (a: RkMainArgs) => ReturnType<typeof user>)(args);`,
        `}`,
      ]
    : [
        ...imports,
        '',
        table,
        '',
        `/** Defines the programs in libc-shim and starts them: the command after --, else libc.start. */`,
        `export default function main({ registry, argv }: RkMainArgs): Promise<number> {`,
        `  const libc = registry.get('libc');`,
        `  for (const [name, bytes] of programs) libc.define(name, bytes);`,
        `  return libc.start(argv);`,
        `}`,
      ];
  const mainFile = join(outDir, 'main.generated.ts');
  writeFileSync(
    mainFile,
    [
      `// Generated by rk build: the programs of runikraft.programs (${programs.map((p) => p.name).join(', ')}) on ${LIBC}.`,
      `import type { RkMainArgs } from '@runikraft/rkboot';`,
      `import type {} from '${LIBC}';`,
      ...body,
      '',
    ].join('\n'),
  );
  return { ...app, entry: relative(app.dir, mainFile) };
}
