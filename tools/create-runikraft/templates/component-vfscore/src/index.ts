// __NAME__: a file-system type for vfscore. `library` is what rk's generated entry imports from
// every chosen component; `createFsType` is the type itself (the conformance kit mounts it directly).
import { Errno } from '@runikraft/errno';
import { defineLibrary } from '@runikraft/rkboot';
import { vfscoreOf } from '@runikraft/vfscore';
import type { RkFsMountArgs, RkFsType } from '@runikraft/vfscore/driver';
import { MemFs } from './memfs';

export { MEMFS_MAGIC, MemFs, type MemHandle, MemNode } from './memfs';

/** The capacity of a mount without a `size=` option. */
export const DEFAULT_SIZE = 16 << 20;

/**
 * Parses the mount options: `size=N` with an optional k, m or g suffix (as tmpfs), or nothing.
 * @returns the capacity in bytes, or an error message naming what was wrong.
 */
export function parseOptions(options: string): number | string {
  let size = DEFAULT_SIZE;
  for (const opt of options.split(',').filter(Boolean)) {
    const m = /^size=(\d+)([kmg]?)$/i.exec(opt);
    if (!m) return `unknown mount option '${opt}' (known: size=N[k|m|g])`;
    size = Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
  }
  return size;
}

/**
 * The `__LIB__` file-system type: every mount is an empty tree in memory. `log` hears why a mount
 * was refused (the console in an image).
 */
export function createFsType(log: (line: string) => void = () => {}): RkFsType {
  return {
    name: '__LIB__',
    mount(args: RkFsMountArgs) {
      const size = parseOptions(args.options);
      if (typeof size === 'string') {
        log(`__LIB__: mount on ${args.target}: ${size}\n`);
        return -Errno.EINVAL;
      }
      return new MemFs(args.env, size, args.readonly);
    },
  };
}

/**
 * The library descriptor: at the `lib` init level it registers the `__LIB__` type with vfscore, so the
 * root (`vfs.rootfs=__LIB__`) or any `vfs.fstab` line (`none:/data:__LIB__:::mkmp`) can mount it.
 */
export const library = defineLibrary({
  name: '__LIB__',
  version: '0.1.0',
  provides: ['__LIB__'],
  requires: ['vfscore'],
  initLevel: 'lib',
  init({ registry, plat }) {
    vfscoreOf(registry, plat).registerFsType(createFsType((line) => plat.console.out(line)));
  },
});
