// vfscore tells a driver to release a node only when no dentry holds it any more: hard links share
// one ramfs node between names, so unlinking one name must not release what the other still names
// (9pfs clunks the node's fid on release). A release spy on a ramfs mount counts the calls.
import { O_CREAT, O_RDWR, RkVfsCore } from '@runikraft/vfscore';
import type { RkFs, RkFsNode } from '@runikraft/vfscore/driver';
import { describe, expect, it } from 'vitest';
import { createRamfsType } from '../src/index';
import { testAlloc, testEnv } from './helpers';

async function spied() {
  const fs = (await createRamfsType(testAlloc()).mount({
    source: 'none',
    target: '/',
    options: '',
    readonly: false,
    env: testEnv(),
  })) as RkFs<RkFsNode, object>;
  const released: RkFsNode[] = [];
  fs.release = (n) => released.push(n);
  const v = new RkVfsCore(testEnv());
  v.registerFsType({ name: 'spy', mount: () => fs });
  expect(await v.mount('none', '/', 'spy')).toBe(0);
  return { v, released };
}

describe('vfscore node release with hard links', () => {
  it('link a b; unlink a keeps the node; unlink b releases it once', async () => {
    const { v, released } = await spied();
    await v.close(await v.open('/a', O_CREAT | O_RDWR, 0o644));
    expect(await v.link('/a', '/b')).toBe(0);
    expect(await v.unlink('/a')).toBe(0);
    expect(released).toEqual([]);
    expect(await v.truncate('/b', 7)).toBe(0);
    expect(((await v.stat('/b')) as { size: number }).size).toBe(7);
    expect(await v.unlink('/b')).toBe(0);
    expect(released.length).toBe(1);
  });

  it('an open file keeps the node past its last name; close releases it once', async () => {
    const { v, released } = await spied();
    const fd = await v.open('/a', O_CREAT | O_RDWR, 0o644);
    expect(await v.link('/a', '/b')).toBe(0);
    expect(await v.unlink('/b')).toBe(0);
    expect(await v.unlink('/a')).toBe(0);
    expect(released).toEqual([]);
    expect(await v.write(fd, new Uint8Array(3))).toBe(3);
    expect(await v.close(fd)).toBe(0);
    expect(released.length).toBe(1);
  });
});
