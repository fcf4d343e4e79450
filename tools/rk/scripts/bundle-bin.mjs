// Bundles rk's bin straight from the TypeScript sources (the "@runikraft/source" condition) into one
// Node ESM file, so tests and benchmarks run the current code without `pnpm build`.
// usage: node tools/rk/scripts/bundle-bin.mjs [OUTFILE]   (default tools/rk/.rk/rk-dev.mjs; keep it under
// tools/rk so that the external esbuild import resolves from tools/rk/node_modules)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Bundles src/bin.ts into `outfile`; esbuild stays external (it has a native binary). */
export async function bundleRkBin(outfile = join(root, '.rk', 'rk-dev.mjs')) {
  await build({
    entryPoints: [join(root, 'src', 'bin.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@runikraft/source'],
    external: ['esbuild'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await bundleRkBin(process.argv[2]));
}
