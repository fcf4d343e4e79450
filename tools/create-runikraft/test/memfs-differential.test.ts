// The vfscore template's file system against Linux: vfscore's differential test (seeded random
// operation sequences through vfscore on the template's memfs and through node:fs on a host tmpfs
// directory; results, errno, data and the final tree must agree), as ramfs and ext4 run it. A repo
// test, not part of the scaffold: the differential helper uses node:fs and is not in the published kit.
import * as nfs from 'node:fs';
import { RkVfsCore } from '@runikraft/vfscore';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  differential,
  scratchDir,
  sequences,
  UMASK,
} from '../../../packages/vfscore/test/helpers/differential';
import { createFsType } from '../templates/component-vfscore/src/index';

const top = scratchDir('rk-memfs-diff-');
afterAll(() => nfs.rmSync(top, { recursive: true, force: true }));

async function mountMemfs() {
  let us = Date.UTC(2026, 0, 1) * 1000;
  const v = new RkVfsCore({
    now: () => ({ sec: Math.floor(++us / 1e6), nsec: (us % 1e6) * 1000 }),
  });
  v.registerFsType(createFsType());
  expect(await v.mount('none', '/', '__LIB__')).toBe(0);
  return { v, close: async () => {} };
}

describe('the vfscore template (memfs) against Linux through node:fs (differential)', () => {
  it('agrees on results, errno, data and the final tree for seeded random sequences', async () => {
    expect(process.umask()).toBe(UMASK);
    await fc.assert(fc.asyncProperty(sequences, differential(top, mountMemfs)), {
      seed: 0x3e3f5,
      numRuns: 100,
    });
  });
});
