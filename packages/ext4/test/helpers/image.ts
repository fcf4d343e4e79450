// Test helpers: real e2fsprogs images (mkfs.ext4 -d), a RAM disk over a stand-in guest RAM holding
// them, and the ext4 type mounted on it (directly, or under vfscore).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuddyAlloc } from '@runikraft/rkalloc-buddy';
import { RkBlkdevRegistryImpl } from '@runikraft/rkblkdev/driver';
import { RamdiskBlkdev } from '@runikraft/rkblkdev/ramdisk';
import type { RkPhysMem } from '@runikraft/rkplat';
import { RkVfsCore } from '@runikraft/vfscore';
import { testEnv } from '../../../ramfs/test/helpers';
import { createExt4Type, type Ext4Fs } from '../../src/index';
import { FileBlkdev } from './filedisk';

export { testEnv };

export const MKFS = '/usr/sbin/mkfs.ext4';
export const E2FSCK = '/usr/sbin/e2fsck';
export const DEBUGFS = '/usr/sbin/debugfs';
export const haveE2fs = existsSync(MKFS) && existsSync(E2FSCK) && existsSync(DEBUGFS);
if (!haveE2fs)
  console.log('ext4 tests skipped: e2fsprogs (mkfs.ext4, e2fsck, debugfs) not installed');

export function scratch(prefix: string): string {
  const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return mkdtempSync(join(shm, prefix));
}

/** Runs mkfs.ext4 -d `dir` (or an empty fs) with `args`; the image file's path. */
export function mkfs(
  out: string,
  size: string,
  opts: { dir?: string; args?: string[]; type?: string } = {},
): string {
  const img = join(out, `fs-${Math.random().toString(36).slice(2)}.img`);
  const t = opts.type ?? 'ext4';
  const args = ['-q', '-F', '-t', t, ...(opts.args ?? [])];
  if (opts.dir) args.push('-d', opts.dir);
  execFileSync(MKFS, [...args, img, size], { stdio: 'pipe' });
  return img;
}

/** e2fsck -fn: [exit status, output]. */
export function fsck(img: string): [number, string] {
  try {
    return [0, execFileSync(E2FSCK, ['-fn', img], { stdio: 'pipe' }).toString()];
  } catch (e) {
    const x = e as { status: number; stdout: Buffer; stderr: Buffer };
    return [x.status, `${x.stdout}${x.stderr}`];
  }
}

export function debugfs(img: string, cmd: string, write = false): string {
  const args = write ? ['-w', '-R', cmd, img] : ['-R', cmd, img];
  return execFileSync(DEBUGFS, args, { stdio: 'pipe' }).toString();
}

export interface Mounted {
  fs: Ext4Fs;
  drv: RamdiskBlkdev | FileBlkdev;
  log: string[];
  close(): Promise<void>;
}

/**
 * A disk holding `image` (bytes: a RAM disk; a path: the file itself, written in place) and the
 * allocator the cache uses, as a booted image would have.
 */
export function disk(image: Uint8Array | string, readOnly = false, size = 64 << 20) {
  const buffer = new SharedArrayBuffer(size);
  const phys: RkPhysMem = {
    buffer,
    base: 0x80000000,
    size,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  const alloc = createBuddyAlloc(phys, phys.base, size);
  const drv =
    typeof image === 'string'
      ? new FileBlkdev(phys, image, readOnly)
      : new RamdiskBlkdev(phys, { sectors: Math.ceil(image.length / 512), image, readOnly });
  const disks = new RkBlkdevRegistryImpl();
  const { handle } = disks.register('ram0', phys, drv);
  drv.attach(handle);
  return { alloc, drv, disks };
}

/**
 * Mounts `image` (a path or bytes) with the ext4 type. @returns the mount, or the errno and the log
 * when it was refused.
 */
export async function mountImage(
  image: string | Uint8Array,
  options = '',
  readonly = false,
  deviceReadOnly = false,
): Promise<Mounted | { errno: number; log: string[]; drv: RamdiskBlkdev | FileBlkdev }> {
  const { alloc, drv, disks } = disk(image, deviceReadOnly);
  const log: string[] = [];
  const type = createExt4Type({ alloc, disks, log: (l) => log.push(l) });
  const fs = await type.mount({
    source: '/dev/vda',
    target: '/',
    options,
    readonly,
    env: testEnv(),
  });
  if (typeof fs === 'number') return { errno: fs, log, drv };
  const e = fs as Ext4Fs;
  return { fs: e, drv, log, close: async () => void (await e.unmount()) };
}

/** vfscore with the image mounted on "/". */
export async function vfsOn(image: string | Uint8Array, options = '', ramBytes = 64 << 20) {
  const { alloc, drv, disks } = disk(image, false, ramBytes);
  const log: string[] = [];
  const v = new RkVfsCore(testEnv());
  v.registerFsType(createExt4Type({ alloc, disks, log: (l) => log.push(l) }));
  const r = await v.mount('/dev/vda', '/', 'ext4', 0, options);
  return { v, r, drv, log };
}

export function rmrf(p: string): void {
  rmSync(p, { recursive: true, force: true });
}
