// Bundles the generated entry into one image script with esbuild (an IIFE defining RunikraftImage,
// evaluated in the machine's guest realm, never imported by Node) and refuses Node builtins (DESIGN.md §2).
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import type { BuildFailure, Metafile, Plugin } from 'esbuild';
import { RkUsageError } from './errors';
import { wasmBytes } from './wasm-bytes';

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Is `spec` a Node builtin module specifier (`fs`, `node:fs`, `fs/promises`, `node:test`)? */
export const isNodeBuiltin = (spec: string): boolean =>
  spec.startsWith('node:') || BUILTINS.has(spec);

function noNodeBuiltins(found: { spec: string; importer: string }[]): Plugin {
  return {
    name: 'rk-no-node-builtins',
    setup(b) {
      b.onResolve({ filter: /^[a-z_:][a-z0-9_/:]*$/ }, (args) => {
        if (!isNodeBuiltin(args.path)) return undefined;
        found.push({ spec: args.path, importer: args.importer });
        return { path: args.path, external: true };
      });
    },
  };
}

/** The package a generated `import { library as lN } from "pkg"` names, when that export is missing. */
function missingLibrary(m: BuildFailure['errors'][number]): string | undefined {
  if (!/for import "library"/.test(m.text) || !m.location?.file.endsWith('entry.generated.ts'))
    return undefined;
  return /from "([^"]+)"/.exec(m.location.lineText)?.[1];
}

export interface BundleResult {
  metafile: Metafile;
  /** Output path key in the metafile. */
  outputKey: string;
}

/**
 * Bundles `entry` into `outfile`.
 * @throws RkUsageError with esbuild's messages (file:line:col) or the list of Node builtin imports.
 */
export async function bundleImage(
  entry: string,
  outfile: string,
  nodePaths: string[],
  cwd: string,
): Promise<BundleResult> {
  const builtins: { spec: string; importer: string }[] = [];
  const { build } = await import('esbuild');
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'neutral',
      // A script, not a module: the machine evaluates it in its guest realm (vm.Script), which needs no
      // experimental flag, unlike vm.SourceTextModule. The name stays image.mjs for existing tooling.
      format: 'iife',
      globalName: 'RunikraftImage',
      target: 'es2022',
      conditions: ['@runikraft/source', 'import'],
      mainFields: ['module', 'main'],
      resolveExtensions: ['.ts', '.mts', '.js', '.mjs', '.json'],
      // A wasm program (libc-shim runs it) is embedded as bytes: import program from './x.wasm'
      // (wasm-bytes.ts: one char per byte, not base64, which the guest realm decodes slowly).
      // UTF-8 output keeps those chars 0xa0-0xff as themselves (ASCII would print each as \xNN).
      charset: 'utf8',
      nodePaths,
      metafile: true,
      sourcemap: 'linked',
      legalComments: 'none',
      logLevel: 'silent',
      absWorkingDir: cwd,
      plugins: [noNodeBuiltins(builtins), wasmBytes()],
    });
  } catch (e) {
    const f = e as BuildFailure;
    if (!Array.isArray(f.errors)) throw e;
    const lines = f.errors.map((m) => {
      const component = missingLibrary(m);
      if (component)
        return `  ${component} has no export named 'library': a component must export \`library\`, its descriptor (export const library = defineLibrary({ name, version, provides, init }) from @runikraft/rkboot)`;
      return m.location
        ? `  ${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}`
        : `  ${m.text}`;
    });
    throw new RkUsageError(`rk build: bundling failed:\n${lines.join('\n')}`);
  }
  if (builtins.length > 0) {
    const lines = builtins.map((b) => `  '${b.spec}' imported by ${relative(cwd, b.importer)}`);
    throw new RkUsageError(
      `rk build: the image imports Node builtins, which do not exist on the machine:\n${lines.join('\n')}\n  fix: the image is guest code: it sees the machine only through the platform (rkplat) and the composed libraries' APIs, never Node's; move host code out of the image (into a tool or test that runs the image)`,
    );
  }
  const metafile = result.metafile!;
  const outputKey = Object.keys(metafile.outputs).find((k) => k.endsWith('.mjs'))!;
  return { metafile, outputKey };
}
