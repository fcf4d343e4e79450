#!/usr/bin/env node
// The `rk` executable as installed. A published package runs the tsup build (dist/bin.js). In the
// repository (scripts/ is not published) it runs the current TypeScript sources, bundled by esbuild
// on first use and again whenever a source changes, so `pnpm install` alone leaves a working rk and
// an edit never runs stale code.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const script = join(root, 'scripts', 'bundle-bin.mjs');
if (existsSync(script)) {
  const { cachedRkBin } = await import(pathToFileURL(script).href);
  await import(pathToFileURL(await cachedRkBin()).href);
} else {
  await import(pathToFileURL(join(root, 'dist', 'bin.js')).href);
}
