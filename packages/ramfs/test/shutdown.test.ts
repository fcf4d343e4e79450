// vfscore's power-off step (the library's term): every descriptor is closed first, then every mount
// is synced and unmounted, newest first and the root last; a mount that fails is reported by its
// mount point and the others still go down. Ramfs mounts with spies on sync/close/unmount.
import { Errno } from '@runikraft/errno';
import { O_CREAT, O_RDWR, RkVfsCore } from '@runikraft/vfscore';
import type { RkFs, RkFsNode } from '@runikraft/vfscore/driver';
import { describe, expect, it } from 'vitest';
import { createRamfsType } from '../src/index';
import { testAlloc, testEnv } from './helpers';

type Spy = { fail?: 'sync' | 'unmount' | 'throw' };

async function setup() {
  const calls: string[] = [];
  const spies = new Map<string, Spy>();
  const type = createRamfsType(testAlloc());
  const v = new RkVfsCore(testEnv());
  v.registerFsType({
    name: 'spy',
    async mount(args) {
      const fs = (await type.mount(args)) as RkFs<RkFsNode, object>;
      const spy: Spy = {};
      spies.set(args.source, spy);
      const { sync, unmount, close } = fs;
      fs.sync = () => {
        calls.push(`sync ${args.source}`);
        return spy.fail === 'sync' ? -Errno.EIO : sync.call(fs);
      };
      fs.close = (h) => {
        calls.push(`close ${args.source}`);
        return close.call(fs, h);
      };
      fs.unmount = () => {
        calls.push(`unmount ${args.source}`);
        if (spy.fail === 'throw') throw new Error('driver bug');
        return spy.fail === 'unmount' ? -Errno.EIO : unmount.call(fs);
      };
      return fs;
    },
  });
  expect(await v.mount('root', '/', 'spy')).toBe(0);
  expect(await v.mountFstab('a:/a:spy:0::mkmp b:/a/b:spy:0::mkmp c:/c:spy:0::mkmp')).toBe(0);
  return { v, calls, spies };
}

describe('vfscore shutdown (term)', () => {
  it('closes open files, then syncs and unmounts newest first, the root last', async () => {
    const { v, calls } = await setup();
    await v.open('/a/b/f', O_CREAT | O_RDWR, 0o644);
    await v.open('/c/g', O_CREAT | O_RDWR, 0o644);
    expect(await v.chdir('/a')).toBe(0);
    calls.length = 0;
    expect(await v.shutdown()).toEqual([]);
    expect(calls).toEqual([
      'close b',
      'close c',
      'sync c',
      'unmount c',
      'sync b',
      'unmount b',
      'sync a',
      'unmount a',
      'sync root',
      'unmount root',
    ]);
    expect(v.mounts()).toEqual([]);
  });

  it('a failing mount is named by its mount point; the others still unmount', async () => {
    const { v, calls, spies } = await setup();
    spies.get('b')!.fail = 'unmount';
    spies.get('a')!.fail = 'throw';
    spies.get('c')!.fail = 'sync';
    calls.length = 0;
    expect(await v.shutdown()).toEqual([
      'syncing /c (spy on c): EIO',
      'unmounting /a/b (spy on b): EIO',
      'unmounting /a (spy on a): driver bug',
    ]);
    expect(calls.filter((c) => c.startsWith('unmount'))).toEqual([
      'unmount c',
      'unmount b',
      'unmount a',
      'unmount root',
    ]);
  });
});
