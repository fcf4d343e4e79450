// Bundles rk's bin straight from the TypeScript sources (the "@runikraft/source" condition) into one
// Node ESM file, so tests, benchmarks and a fresh clone run the current code without `pnpm build`.
// usage: node tools/rk/scripts/bundle-bin.mjs [OUTFILE]   (default tools/rk/.rk/rk-dev.mjs; keep it under
// tools/rk so that the external esbuild import resolves from tools/rk/node_modules)
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

const options = (outfile) => ({
  entryPoints: [join(root, 'src', 'bin.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@runikraft/source'],
  external: ['esbuild', 'typescript'],
  sourcemap: 'inline',
  logLevel: 'warning',
});

/** Bundles src/bin.ts into `outfile`; esbuild stays external (it has a native binary). */
export async function bundleRkBin(outfile = join(root, '.rk', 'rk-dev.mjs')) {
  await build(options(outfile));
  return outfile;
}

/**
 * Returns `outfile`, bundling it first when it is missing or any source it was bundled from is newer
 * (or gone). The inputs are listed in `outfile.inputs.json`; both files are written under temporary
 * names and renamed, so rk processes starting together never import a half-written bundle.
 */
export async function cachedRkBin(outfile = join(root, '.rk', 'rk-src.mjs')) {
  const list = `${outfile}.inputs.json`;
  if (isFresh(outfile, list)) return outfile;
  const r = await build({ ...options(outfile), write: false, metafile: true, absWorkingDir: root });
  const inputs = Object.keys(r.metafile.inputs).map((f) => resolve(root, f));
  mkdirSync(dirname(outfile), { recursive: true });
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(outfile + tmp, r.outputFiles[0].contents);
  writeFileSync(list + tmp, JSON.stringify(inputs));
  renameSync(outfile + tmp, outfile);
  renameSync(list + tmp, list);
  return outfile;
}

function isFresh(outfile, list) {
  if (!existsSync(outfile) || !existsSync(list)) return false;
  const built = statSync(outfile).mtimeMs;
  try {
    return JSON.parse(readFileSync(list, 'utf8')).every((f) => statSync(f).mtimeMs <= built);
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await bundleRkBin(process.argv[2]));
}
