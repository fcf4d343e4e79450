// @runikraft/ramfs: a file system in guest memory (Unikraft lib/ramfs) for vfscore.
import { Errno } from '@runikraft/errno';
import type { RkAlloc } from '@runikraft/rkalloc';
import { defineLibrary } from '@runikraft/rkboot';
import { vfscoreOf } from '@runikraft/vfscore';
import type { RkFsMountArgs, RkFsType } from '@runikraft/vfscore/driver';
import { Ramfs } from './fs';
import { RamPages } from './pages';

export { RAMFS_MAGIC, RAMFS_MAX_FILE, Ramfs, type RamHandle } from './fs';
export { type RamDirent, RamNode } from './node';

/**
 * The `ramfs` file-system type over `alloc`: each mount is an empty tree whose file data lives in
 * pages from `alloc` (ENOSPC when it has none left). Options: none ("" only).
 */
export function createRamfsType(alloc: RkAlloc): RkFsType {
  return {
    name: 'ramfs',
    mount(args: RkFsMountArgs) {
      if (args.options !== '') return -Errno.EINVAL; // ramfs takes no options
      return new Ramfs(new RamPages(alloc), args.env, args.readonly);
    },
  };
}

/** Registers the `ramfs` type (pages from the allocator bound to the purpose 'ramfs', else the default). */
export const library = defineLibrary({
  name: 'ramfs',
  version: '0.1.0',
  provides: ['ramfs'],
  requires: ['rkalloc', 'vfscore'],
  initLevel: 'lib',
  init({ registry, plat }) {
    vfscoreOf(registry, plat).registerFsType(
      createRamfsType(registry.get('rkalloc').forPurpose('ramfs')),
    );
  },
});
