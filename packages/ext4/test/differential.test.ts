// The vfscore differential kit on ext4: seeded random operation sequences run on vfscore+ext4 (a fresh
// mkfs.ext4 image each, 1 KiB and 4 KiB blocks; also ext2 and ext3 images) and through node:fs on a host tmpfs directory must
// agree op by op and in the final tree; then e2fsck -fn finds the image clean and debugfs rdump of it
// equals the host's tree.
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { differential, sequences, UMASK } from '../../vfscore/test/helpers/differential';
import { DEBUGFS, debugfs, fsck, haveE2fs, mkfs, rmrf, scratch, vfsOn } from './helpers/image';
import { type Entry, hostWalk } from './helpers/tree';

const top = scratch('rk-ext4-diff-');
afterAll(() => rmrf(top));

/** What rdump keeps: names, types, sizes, data, link targets, file modes (not links or dir modes). */
const plain = (m: Map<string, Entry>) =>
  [...m].map(([k, e]) => ({ k, ...e, nlink: 0, perm: e.type === 0o040000 ? 0 : e.perm }));

describe.skipIf(!haveE2fs)('vfscore+ext4 against Linux through node:fs (differential)', () => {
  // ext2 and ext3 images (mkfs -t ext2/ext3: block maps, no extents) go through the block-map writer
  for (const [type, seed] of [
    ['ext4', 0xe4d1f],
    ['ext2', 0xe2d1f],
    ['ext3', 0xe3d1f],
  ] as const)
    it(`agrees op by op; e2fsck -fn is clean and rdump equals the host tree after each run (${type})`, async () => {
      expect(process.umask()).toBe(UMASK);
      let runs = 0;
      const dir = join(top, type);
      nfs.mkdirSync(dir);
      const mount = async () => {
        const run = runs++;
        const img = mkfs(dir, '16M', { type, args: run % 2 ? ['-b', '4096'] : ['-b', '1024'] });
        debugfs(img, 'rmdir lost+found', true);
        const g = await vfsOn(img);
        expect(g.r, g.log.join('')).toBe(0);
        return {
          v: g.v,
          close: async () => {
            expect(await g.v.st.mountList[0]!.fs.sync()).toBe(0);
            const [status, out] = fsck(img);
            expect(status, out).toBe(0);
            const back = join(dir, `rdump-${run}`);
            nfs.mkdirSync(back);
            execFileSync(DEBUGFS, ['-R', `rdump / ${back}`, img], { stdio: 'pipe' });
            // the kit's host directory for this run still exists while close() runs
            expect(plain(hostWalk(back))).toEqual(plain(hostWalk(join(dir, `run-${run}`))));
            rmrf(back);
            rmrf(img);
            expect(g.log).toEqual([]);
          },
        };
      };
      await fc.assert(fc.asyncProperty(sequences, differential(dir, mount)), {
        seed,
        numRuns: 60,
      });
    }, 180_000);
});
