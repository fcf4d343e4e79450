#!/usr/bin/env node
// `pnpm registry:local` (root package.json): bundles src/registry-local.ts (which shares the
// registry test's Verdaccio setup) with esbuild into .rk/ and runs it; arguments pass through.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(pkg, '.rk', 'registry-local.mjs');
mkdirSync(dirname(out), { recursive: true });
await build({
  entryPoints: [join(pkg, 'src', 'registry-local.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'error',
});
await import(pathToFileURL(out).href);
