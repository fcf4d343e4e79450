// The differential kit: seeded random sequences of file operations (fast-check) run through
// vfscore on the file system under test and through node:fs on a host directory (Linux's own
// semantics); results, errno, data read and the resulting trees must agree. Used by ramfs's and
// 9pfs's differential tests, which list their own intended differences. Never compared here: fd
// numbers (the host process holds others), directory st_size/st_blocks, times, inode numbers.
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RkVfsCore } from '../../src/index';
import type { RkOp as Op } from '../../src/script';
import { RkOpRunner } from '../../src/script';
import { Host, hostTree, joinData, UMASK } from './host-fs';

export { Host, hostTree, joinData, opArb, scratchDir, sequences, UMASK } from './host-fs';

/** A vfscore instance with the file system under test at "/", and how to take it down. */
export interface DiffGuest {
  v: RkVfsCore;
  close(): Promise<void>;
}

/**
 * The property: runs `ops` on a fresh guest from `mount` and on node:fs in a fresh directory under
 * `top`, op by op, then compares the final trees.
 */
export function differential(
  top: string,
  mount: () => Promise<DiffGuest>,
): (ops: Op[]) => Promise<void> {
  let runs = 0;
  return async (ops) => {
    const host = new Host(join(top, `run-${runs++}`));
    const g = await mount();
    g.v.umask(UMASK);
    const guest = new RkOpRunner(g.v, '', joinData);
    try {
      for (const [i, op] of ops.entries()) {
        const h = await host.run(op);
        const r = await guest.run(op);
        expect(
          r,
          `op ${i} ${JSON.stringify(op)}: guest ${JSON.stringify(r)}, host ${JSON.stringify(h)}`,
        ).toEqual(h);
      }
      expect(await guest.tree()).toEqual(hostTree(host.root));
    } finally {
      await guest.closeAll();
      await g.close();
      for (const fd of host.fds) if (fd !== null) nfs.closeSync(fd);
      nfs.rmSync(host.root, { recursive: true, force: true });
    }
  };
}
