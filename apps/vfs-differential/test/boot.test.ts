// The differential test in a booted image: seeded fast-check scripts of file operations run in
// vfs-differential on vfscore+ramfs (a fresh mount each) and on 9pfs over the machine's virtio-9p
// device against host shares (cache=none and cache=loose), and through node:fs on host tmpfs
// directories; every result and errno, the data read (as length + FNV-1a) and the resulting trees
// agree, and each share holds on the host what node:fs produced. With e2fsprogs installed the same
// scripts also run on ext4 (a fresh mkfs.ext4 disk on virtio-blk): e2fsck -fn must find it clean
// and debugfs rdump must give back node:fs's trees. Intended differences are those of
// vfscore's kit (fd numbers, times, inode numbers, directory sizes; see packages/ramfs/test/
// differential.test.ts and packages/9pfs/test/differential.test.ts). Longer runs: bench:vfsdiff.
import * as nfs from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, sequences, UMASK } from '../../../packages/vfscore/test/helpers/host-fs';
import { buildDifferential, type Image, runDifferential, WITH_EXT4 } from './run';

let image: Image;
beforeAll(async () => {
  image = await buildDifferential();
}, 120_000);
const top = scratchDir('rk-vfsdiff-');
afterAll(() => nfs.rmSync(top, { recursive: true, force: true }));

describe('vfs-differential in a booted image against node:fs', () => {
  for (const [legacy, seed] of [
    [false, 0x5eed10],
    [true, 0x5eed11],
  ] as const)
    it(`${legacy ? 'legacy' : 'modern'} virtio-mmio, seed ${seed.toString(16)}: results, errno, data and trees agree on ramfs and 9pfs`, async () => {
      expect(process.umask()).toBe(UMASK);
      const seqs = fc.sample(sequences, { seed, numRuns: 6 });
      const dir = `${top}/${seed}`;
      nfs.mkdirSync(dir);
      const r = await runDifferential(image, seqs, dir, legacy);
      expect(r.exit, r.out.slice(-2000)).toEqual({ status: 0, reason: 'poweroff' });
      expect(r.out).toContain(
        `vfsdiff: done: 6 scripts on ramfs /none /loose${WITH_EXT4 ? ' /ext4' : ''}`,
      );
      expect(r.mismatches).toEqual([]);
      // every op of every script and a tree per script, on three targets
      const ops = seqs.reduce((n, s) => n + s.length + 1, 0);
      expect(r.compared).toBe((WITH_EXT4 ? 4 : 3) * ops);
    });
});
