// Issue 11 long crash-consistency run (CI runs a short seeded one in packages/ext4/test/crash.test.ts):
// for each seed a recorded workload on a fresh mkfs.ext4 image, then power loss at many cut points —
// prefixes of the write stream, and cuts just before a flush with the writes in flight reordered and
// partly dropped. Each cut: our replay mounts it, every file fsync'd before the cut reads back
// exactly, e2fsck -fn is clean, and (every 4th cut) e2fsck -fy's own replay gives the same rdump.
// Run: RK_CRASH_SEEDS=8 RK_CRASH_CUTS=200 pnpm --filter @runikraft/bench bench:ext4-crash
// RK_CRASH_COARSE=1: file times from a coarse clock and fsync'd files rewritten in place and fsync'd
// again (fsyncs that write data and a barrier without a commit).
import { readFileSync, rmSync } from 'node:fs';
import { checkCut, imageAt, record, rng } from '../../../../packages/ext4/test/helpers/crash';
import { mkfs, scratch } from '../../../../packages/ext4/test/helpers/image';

const SEEDS = Number(process.env.RK_CRASH_SEEDS ?? 4);
const CUTS = Number(process.env.RK_CRASH_CUTS ?? 100);
const OPS = Number(process.env.RK_CRASH_OPS ?? 150);
const COARSE = process.env.RK_CRASH_COARSE === '1';

async function main(): Promise<number> {
  const dir = scratch('rk-ext4-crash-bench-');
  let cuts = 0;
  let synced = 0;
  let bad = 0;
  const seen = { orphans: 0, replays: 0 };
  const t0 = process.cpuUsage();
  try {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const args = seed % 2 ? ['-b', '1024'] : ['-b', '4096'];
      const rec = await record(
        new Uint8Array(readFileSync(mkfs(dir, '16M', { args }))),
        seed,
        OPS,
        COARSE,
      );
      const flushAt = [...rec.events.keys()].filter((i) => rec.events[i] === 'flush');
      const r = rng(seed * 7);
      for (let k = 0; k < CUTS; k++) {
        const reorder = k % 2 === 1 ? seed * 100_000 + k : null;
        const cut =
          reorder === null ? r.int(rec.events.length + 1) : flushAt[r.int(flushAt.length)]!;
        const problems = await checkCut(
          dir,
          rec,
          cut,
          imageAt(rec, cut, reorder),
          k % 4 === 0,
          seen,
        );
        cuts++;
        synced += rec.synced.filter((f) => f.at <= cut).length;
        for (const p of problems) {
          bad++;
          console.log(`seed ${seed} cut ${cut}${reorder === null ? '' : ' reordered'}: ${p}`);
        }
      }
      console.log(
        `seed ${seed} (${args.join(' ')}): ${rec.events.length} events, ${flushAt.length} flushes, ${rec.synced.length} fsyncs (${rec.rewrites} in-place rewrites), ${rec.commits} commits, ${rec.wraps} laps of the log`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cpu = process.cpuUsage(t0);
  console.log(
    `${cuts} cut images (${seen.replays} transactions replayed, ${seen.orphans} orphans released), ${synced} synced files checked, ${bad} problems; host CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
  );
  return bad === 0 ? 0 : 1;
}

main().then((code) => process.exit(code));
