// Crash consistency (short seeded run; the long one is `pnpm --filter @runikraft/bench
// bench:ext4-crash`): power loss at seeded points of a recorded write/flush stream, with and without
// the writes after the last flush reordered and partly dropped (also on a coarse file-time clock with
// fsync'd files rewritten in place: fsyncs that write data and a barrier, no commit). Our replay mounts every cut image,
// e2fsck -fn is clean after it, e2fsck -fy's replay gives the same tree, and every file fsync'd
// before the cut has exactly its synced content.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCut, imageAt, record, rng } from './helpers/crash';
import { haveE2fs, mkfs, rmrf, scratch } from './helpers/image';

const top = scratch('rk-ext4-crash-');
afterAll(() => rmrf(top));

describe.skipIf(!haveE2fs)('crash consistency', () => {
  for (const [type, args, seed, coarse] of [
    ['ext4', ['-b', '1024'], 11, false],
    ['ext4', ['-b', '4096'], 12, false],
    ['ext3', ['-b', '4096'], 13, false],
    ['ext4', ['-b', '1024'], 14, true],
    ['ext4', ['-b', '4096'], 15, true],
  ] as const)
    it(`power loss at seeded points: replay, e2fsck, synced files (${type} ${args.join(' ')}${coarse ? ', coarse clock, in-place rewrites' : ''})`, async () => {
      const img = mkfs(top, '16M', { type, args: [...args] });
      const rec = await record(new Uint8Array(readFileSync(img)), seed, 70, coarse);
      if (coarse) {
        // rewrites in place within a tick: fsyncs that return without a commit
        expect(rec.rewrites).toBeGreaterThan(10);
        expect(rec.commits).toBeLessThan(rec.synced.length);
      }
      const flushAt = [...rec.events.keys()].filter((i) => rec.events[i] === 'flush');
      expect(flushAt.length).toBeGreaterThan(10);
      expect(rec.synced.length).toBeGreaterThan(10);
      const r = rng(seed);
      const problems: string[] = [];
      let checkedSynced = 0;
      const seen = { orphans: 0, replays: 0 };
      for (let k = 0; k < 14; k++) {
        // reordered cuts fall just before a flush: everything since the previous one is in flight
        const reorder = k % 2 === 1 ? seed * 1000 + k : null;
        const cut =
          k === 0
            ? rec.events.length
            : reorder === null
              ? r.int(rec.events.length + 1)
              : flushAt[r.int(flushAt.length)]!;
        const img = imageAt(rec, cut, reorder);
        const p = await checkCut(top, rec, cut, img, k % 3 === 0, seen);
        problems.push(...p.map((x) => `cut ${cut}${reorder === null ? '' : ' reordered'}: ${x}`));
        checkedSynced += rec.synced.filter((f) => f.at <= cut).length;
      }
      expect(problems).toEqual([]);
      expect(checkedSynced).toBeGreaterThan(20);
      expect(seen.replays).toBeGreaterThan(10);
      expect(seen.orphans).toBeGreaterThan(0);
    }, 120_000);
});
