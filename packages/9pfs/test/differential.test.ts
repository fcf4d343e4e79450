// Differential test: the seeded random sequences of ramfs's differential (the kit in
// vfscore/test/helpers/differential) run on vfscore+9pfs over virtio-9p to the machine's own 9P
// server, which shares a host tmpfs directory, and through node:fs on a separate host tmpfs
// directory; results, errno, data read and the resulting trees must agree, in both cache modes.
// Intended differences, not compared (the kit leaves them out for every file system):
// - fd numbers: the host process holds others;
// - times: two clocks, and the server keeps them to the microsecond (node:fs utimes);
// - inode numbers: 9pfs reports the server's qid paths, the host side its own inodes;
// - directory st_size/st_blocks: not compared (st_blocks of files neither);
// - readdir order: sorted on both sides (the server lists in the host directory's order).
// Everything else agrees, O_NOFOLLOW's ELOOP on a final symlink included (vfscore resolves paths
// itself, one Twalk per component). Sequences that found bugs, now fixed: fstat/ftruncate on an open
// file after unlink (9pfs now uses the open fid, the server its fd, as QEMU), and a hard link's
// other name after the first was unlinked under cache=loose (the released node's fid is walked again).
import * as nfs from 'node:fs';
import type { RkP9TransportRegistry } from '@runikraft/rk9p';
import { RkVfsCore } from '@runikraft/vfscore';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { P9Server } from '../../../platforms/qemu-riscv/src/machine/backends/fs/server';
import { Virtio9p } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/p9';
import {
  differential,
  scratchDir,
  sequences,
  UMASK,
} from '../../vfscore/test/helpers/differential';
import { probeVirtioMmio } from '../../virtio/src/bus';
import { harness } from '../../virtio/test/harness';
import { create9pfsType } from '../src/index';
import { testEnv } from './helpers';

const top = scratchDir('rk-9pfs-diff-');
afterAll(() => nfs.rmSync(top, { recursive: true, force: true }));

let shares = 0;
/** vfscore with a fresh share of the machine's 9P server mounted at "/" over virtio-9p. */
const mount9p = (cache: string) => async () => {
  const dir = `${top}/share-${shares++}`;
  nfs.mkdirSync(dir);
  const dev = new Virtio9p(new P9Server({ root: dir }), 'share');
  const h = harness([dev], false, 32 << 20);
  probeVirtioMmio({ plat: h.plat, dma: h.dma, registry: h.registry as never });
  const v = new RkVfsCore(testEnv());
  v.registerFsType(create9pfsType(h.registry.get('rk9p') as RkP9TransportRegistry));
  expect(await v.mount('share', '/', '9pfs', 0, `cache=${cache}`)).toBe(0);
  return {
    v,
    async close() {
      // The root mount stays (it is the cwd: EBUSY, as Linux); the device and its fids go.
      dev.close();
      nfs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

for (const cache of ['none', 'loose'])
  describe(`vfscore+9pfs (cache=${cache}) on the machine's 9P server against Linux through node:fs (differential)`, () => {
    it('agrees on results, errno, data and the final tree for seeded random sequences', async () => {
      expect(process.umask()).toBe(UMASK);
      await fc.assert(fc.asyncProperty(sequences, differential(top, mount9p(cache))), {
        seed: 0x5eed10,
        numRuns: 40,
      });
    });
  });
