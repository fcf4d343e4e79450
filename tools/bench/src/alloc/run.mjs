// Entry of `pnpm bench:alloc` (and `pnpm bench:alloc record`): bundles the TypeScript benchmark with
// esbuild (Node 20 cannot run .ts) using the workspace source condition, then runs it. The bundle is
// also what child processes run (one per allocator, see main.ts).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
// Inside tools/bench/.rk/ (gitignored) so the bundle resolves esbuild, which stays external.
mkdirSync(join(here, '../../.rk'), { recursive: true });
const out = join(here, '../../.rk', `alloc-${process.pid}.mjs`);
await build({
  entryPoints: [join(here, 'main.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@runikraft/source'],
  outfile: out,
  external: ['esbuild'],
  logLevel: 'warning',
});
process.env.RK_BENCH_BUNDLE = out;
const { main } = await import(pathToFileURL(out).href);
await main(join(here, '../..'), process.argv.slice(2));
