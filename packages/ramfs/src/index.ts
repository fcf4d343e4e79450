// @runikraft/ramfs: a file system in guest memory (Unikraft lib/ramfs) for vfscore.
import { Errno } from '@runikraft/errno';
import type { RkAlloc } from '@runikraft/rkalloc';
import type { RkFsMountArgs, RkFsType } from '@runikraft/vfscore/driver';
import { Ramfs } from './fs';
import { RamPages } from './pages';

export { RAMFS_MAGIC, RAMFS_MAX_FILE, Ramfs, type RamHandle } from './fs';
export { RamNode } from './node';

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
