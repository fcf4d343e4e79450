// vfscore's conformance kit against this file system: a fresh mount per check, driven through the
// driver contract (nodes, data, directories, links, attributes) and through a vfscore instance (the
// POSIX calls an app makes). Then what the template adds itself: its mount options.
import { Errno } from '@runikraft/errno';
import { describeRkFs } from '@runikraft/vfscore/conformance';
import type { RkFs, RkFsMountArgs } from '@runikraft/vfscore/driver';
import { describe, expect, it } from 'vitest';
import { createFsType, parseOptions } from '../src/index';

let us = Date.UTC(2026, 0, 1) * 1000;
const args = (options = '', readonly = false): RkFsMountArgs => ({
  source: 'none',
  target: '/',
  options,
  readonly,
  // a clock that moves one microsecond per reading, so every change gets a later time
  env: { now: () => ({ sec: Math.floor(++us / 1e6), nsec: (us % 1e6) * 1000 }) },
});

async function mount(options = '', readonly = false): Promise<RkFs> {
  const fs = await createFsType().mount(args(options, readonly));
  if (typeof fs === 'number') throw new Error(`mount failed with ${fs}`);
  return fs;
}

describeRkFs('__LIB__', async () => {
  const fs = await mount();
  return { fs, close: () => void fs.unmount() };
});

describe('__LIB__ mount options', () => {
  it('size= sets the capacity; a full mount gives a short write, then ENOSPC', async () => {
    expect(parseOptions('size=64k')).toBe(65536);
    const fs = await mount('size=8k');
    const f = fs.create(fs.root, 'f', 0o644) as never;
    const h = fs.open(f, 2) as never;
    expect(fs.write(h, new Uint8Array(6000).fill(1), 0)).toBe(6000);
    expect(fs.write(h, new Uint8Array(6000).fill(2), 6000)).toBe(8192 - 6000);
    expect(fs.write(h, new Uint8Array(1), 8192)).toBe(-Errno.ENOSPC);
  });

  it('an unknown option is EINVAL, with the reason logged', async () => {
    const lines: string[] = [];
    expect(await createFsType((l) => lines.push(l)).mount(args('sise=1m'))).toBe(-Errno.EINVAL);
    expect(lines).toEqual([
      "__LIB__: mount on /: unknown mount option 'sise=1m' (known: size=N[k|m|g])\n",
    ]);
  });

  it('a read-only mount refuses changes with EROFS', async () => {
    const fs = await mount('', true);
    expect(fs.create(fs.root, 'f', 0o644)).toBe(-Errno.EROFS);
    expect(fs.open(fs.root, 2)).toBe(-Errno.EROFS);
  });
});
