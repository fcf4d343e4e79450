// Differential test: the same seeded random sequences of file operations (fast-check) run on
// vfscore+ramfs and on a host tmpfs directory through node:fs (Linux's own semantics); results,
// errno, data read and the resulting trees must agree (the kit: vfscore/test/helpers/differential).
// Intended differences (not compared): fd numbers (the host process holds others), directory
// st_size/st_blocks (tmpfs counts entries, ramfs reports 4096), times (two clocks), inode numbers;
// lseek/dup/renameat2 flags/SEEK_DATA are outside node:fs and covered by the kit's POSIX checks.
import * as nfs from 'node:fs';
import { RkVfsCore } from '@runikraft/vfscore';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  differential,
  scratchDir,
  sequences,
  UMASK,
} from '../../vfscore/test/helpers/differential';
import { createRamfsType } from '../src/index';
import { testAlloc, testEnv } from './helpers';

const top = scratchDir('rk-vfs-diff-');
afterAll(() => nfs.rmSync(top, { recursive: true, force: true }));

async function mountRamfs() {
  const v = new RkVfsCore(testEnv());
  v.registerFsType(createRamfsType(testAlloc(16 << 20)));
  expect(await v.mount('none', '/', 'ramfs')).toBe(0);
  return { v, close: async () => {} };
}

describe('vfscore+ramfs against Linux through node:fs (differential)', () => {
  it('agrees on results, errno, data and the final tree for seeded random sequences', async () => {
    expect(process.umask()).toBe(UMASK);
    await fc.assert(fc.asyncProperty(sequences, differential(top, mountRamfs)), {
      seed: 0x5eed10,
      numRuns: 150,
    });
  });
});
