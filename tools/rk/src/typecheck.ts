// `rk build`'s type check: the app's own sources against the composed packages' types, with an
// incremental build-info file in the build directory so that an unchanged app re-checks in a fraction
// of the first run (TypeScript's builder program; issue 13 "a checked build").
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type * as TS from 'typescript';
import { RkUsageError } from './errors';

/** The build-info file the checker keeps next to the image. */
export const TSBUILDINFO = 'typecheck.tsbuildinfo';
/**
 * Every file of the last clean check with its size and mtime: when none changed, the check is skipped
 * without loading TypeScript (as `tsc --build` decides up-to-dateness from timestamps).
 */
export const STAMP = 'typecheck.stamp.json';

interface Stamp {
  ts: string;
  options: string;
  files: [string, number, number][];
}

const fileState = (f: string): [string, number, number] | undefined => {
  try {
    const st = statSync(f);
    return [f, st.size, st.mtimeMs];
  } catch {
    return undefined;
  }
};

function upToDate(stampFile: string, optionsKey: string): boolean {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
  } catch {
    return false;
  }
  if (stamp.options !== optionsKey || !Array.isArray(stamp.files)) return false;
  return stamp.files.every(([f, size, mtime]) => {
    const now = fileState(f);
    return now !== undefined && now[1] === size && now[2] === mtime;
  });
}

export interface TypecheckInput {
  /** Absolute app directory. */
  appDir: string;
  /** The app's entry (relative to appDir). */
  entry: string;
  /** The generated declaration (build/rk-env.d.ts): composed APIs and guest globals. */
  envFile: string;
  /** The build directory (build info lives there). */
  outDir: string;
}

/** One type error in the app's sources, as `file:line:col: error TSnnnn: message`. */
export interface TypeProblem {
  file: string;
  line: number;
  column: number;
  code: number;
  text: string;
}

/**
 * The options the guest is checked with: ECMAScript only (no DOM, no @types/node: the image runs in a
 * realm without them), bundler resolution with the workspace's source condition, the app's own
 * strictness settings from its tsconfig.json where it has one.
 */
function compilerOptions(ts: typeof TS, input: TypecheckInput): TS.CompilerOptions {
  let own: TS.CompilerOptions = { strict: true };
  const tsconfig = join(input.appDir, 'tsconfig.json');
  if (existsSync(tsconfig)) {
    const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
    if (!read.error)
      own = ts.parseJsonConfigFileContent(read.config, ts.sys, input.appDir, {}, tsconfig).options;
  }
  const keep: TS.CompilerOptions = {};
  for (const k of [
    'strict',
    'noImplicitAny',
    'strictNullChecks',
    'noUncheckedIndexedAccess',
    'exactOptionalPropertyTypes',
    'noImplicitOverride',
    'noImplicitReturns',
    'noFallthroughCasesInSwitch',
    'noUnusedLocals',
    'noUnusedParameters',
    'useUnknownInCatchVariables',
    'experimentalDecorators',
    'jsx',
    'jsxFactory',
    'jsxImportSource',
  ] as const)
    if (own[k] !== undefined) (keep as Record<string, unknown>)[k] = own[k];
  return {
    ...keep,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    types: [],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['@runikraft/source'],
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    esModuleInterop: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
    incremental: true,
    tsBuildInfoFile: join(input.outDir, TSBUILDINFO),
  };
}

const inApp = (appDir: string, outDir: string, file: string): boolean => {
  const f = resolve(file);
  return (
    f.startsWith(appDir + sep) &&
    !f.startsWith(outDir + sep) &&
    !f.split(sep).includes('node_modules')
  );
};

/**
 * Type-checks the app's sources (its entry and what it imports from the app directory).
 * @returns every problem found, in file order (empty when the app checks).
 * @throws RkUsageError when TypeScript itself cannot be loaded.
 */
export async function typecheckApp(input: TypecheckInput): Promise<TypeProblem[]> {
  const stampFile = join(input.outDir, STAMP);
  const tsconfig = join(input.appDir, 'tsconfig.json');
  const optionsKey = JSON.stringify([
    input.entry,
    input.envFile,
    existsSync(tsconfig) ? readFileSync(tsconfig, 'utf8') : null,
  ]);
  if (upToDate(stampFile, optionsKey)) return [];
  let ts: typeof TS;
  try {
    ts = (await import('typescript')).default;
  } catch (e) {
    throw new RkUsageError(
      `rk build: cannot load TypeScript for the type check (${(e as Error).message}); install it (npm install -D typescript) or build with --no-typecheck`,
    );
  }
  const options = compilerOptions(ts, input);
  const host = ts.createIncrementalCompilerHost(options);
  const program = ts.createIncrementalProgram({
    rootNames: [join(input.appDir, input.entry), input.envFile],
    options,
    host,
  });
  const diags: TS.Diagnostic[] = [...program.getConfigFileParsingDiagnostics()];
  diags.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
  for (const sf of program.getSourceFiles()) {
    if (!inApp(input.appDir, input.outDir, sf.fileName)) continue;
    diags.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf));
  }
  program.emit(); // writes only the build info (noEmit)
  const errors = diags
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => toProblem(ts, d));
  const files = program.getSourceFiles().map((sf) => fileState(sf.fileName));
  if (errors.length === 0 && files.every((f) => f !== undefined)) {
    const stamp: Stamp = { ts: ts.version, options: optionsKey, files: files as Stamp['files'] };
    writeFileSync(stampFile, JSON.stringify(stamp));
  }
  return errors;
}

/** TypeScript's "Cannot find name 'process'" codes that suggest installing @types/node. */
const NODE_NAME_CODES = new Set([2580, 2591]);

function toProblem(ts: typeof TS, d: TS.Diagnostic): TypeProblem {
  let text = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
  // @types/node would not help: the image runs in a guest realm that has no Node globals.
  if (NODE_NAME_CODES.has(d.code))
    text = `${text.replace(/\. Do you need.*$/s, '')} (the image runs in a guest realm without Node's globals; kernel libraries install console, timers, clocks)`;
  if (!d.file || d.start === undefined) return { file: '', line: 0, column: 0, code: d.code, text };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { file: d.file.fileName, line: line + 1, column: character + 1, code: d.code, text };
}

/** Formats problems as tsc does (`src/main.ts:4:17 - error TS2339: …`), paths relative to the cwd. */
export function formatProblems(problems: readonly TypeProblem[]): string {
  return problems
    .map((p) =>
      p.file
        ? `  ${relative(process.cwd(), p.file) || p.file}:${p.line}:${p.column} - error TS${p.code}: ${p.text}`
        : `  error TS${p.code}: ${p.text}`,
    )
    .join('\n');
}
