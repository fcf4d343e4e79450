// Soak run of the booted-image differential test (apps/vfs-differential): many seeded scripts of
// file operations on vfscore+ramfs and 9pfs (cache=none, cache=loose) in booted images against
// node:fs, in batches of RK_VFSDIFF_BATCH scripts per boot. CI runs 12 (apps/vfs-differential/test).
// Run: node tools/bench/scripts/run-ts.mjs tools/bench/src/vfsdiff/main.ts
//      RK_VFSDIFF_SCRIPTS=400 RK_VFSDIFF_SEED=1 RK_VFSDIFF_BATCH=25
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { buildDifferential, runDifferential } from '../../../../apps/vfs-differential/test/run';
import { scratchDir, sequences } from '../../../../packages/vfscore/test/helpers/host-fs';

const SCRIPTS = Number(process.env.RK_VFSDIFF_SCRIPTS ?? 400);
const SEED = Number(process.env.RK_VFSDIFF_SEED ?? 1);
const BATCH = Number(process.env.RK_VFSDIFF_BATCH ?? 25);

/** The repository root: the nearest folder upwards with pnpm-workspace.yaml (bundled or not). */
function findRoot(from: string): string {
  for (let d = from; d !== dirname(d); d = dirname(d))
    if (existsSync(join(d, 'pnpm-workspace.yaml'))) return d;
  throw new Error(`bench:vfsdiff: no pnpm-workspace.yaml above ${from}`);
}
const root = findRoot(import.meta.dirname ?? process.cwd());
const image = await buildDifferential(join(root, 'apps/vfs-differential'));
const top = scratchDir('rk-vfsdiff-soak-');
const t0 = performance.now();
let compared = 0;
let failed = 0;
try {
  for (let b = 0; b * BATCH < SCRIPTS; b++) {
    const n = Math.min(BATCH, SCRIPTS - b * BATCH);
    const seqs = fc.sample(sequences, { seed: SEED + b, numRuns: n });
    const dir = join(top, `batch-${b}`);
    mkdirSync(dir);
    const r = await runDifferential(image, seqs, dir, b % 2 === 1); // legacy virtio every other boot
    compared += r.compared;
    const bad =
      r.exit.status !== 0 ? [`exit ${JSON.stringify(r.exit)}: ${r.out.slice(-500)}`] : r.mismatches;
    if (bad.length) {
      failed++;
      console.log(
        `batch ${b} (seed ${SEED + b}, ${n} scripts): ${bad.length} mismatches, first: ${bad[0]}`,
      );
    }
  }
} finally {
  rmSync(top, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    scripts: SCRIPTS,
    seed: SEED,
    batch: BATCH,
    compared,
    failedBatches: failed,
    seconds: Math.round((performance.now() - t0) / 1000),
  }),
);
process.exitCode = failed ? 1 : 0;
