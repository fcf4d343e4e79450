// Runs a TypeScript benchmark straight from the sources: bundles it with esbuild (the
// "@runikraft/source" condition, so no `pnpm build` is needed) into tools/bench/.rk/ and imports it.
// usage: node scripts/run-ts.mjs src/boot/main.ts [args...]
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args...]');
  process.exit(2);
}
const outfile = join(root, '.rk', `${basename(entry, '.ts')}-${process.pid}.mjs`);
await build({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@runikraft/source'],
  // rk loads TypeScript (its checked build) and esbuild at run time; bundled, their requires of Node builtins fail.
  external: ['esbuild', 'typescript'],
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.argv.splice(2, 1);
await import(pathToFileURL(outfile).href);
