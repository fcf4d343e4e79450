// Multiple allocator instances, the default one, and allocators bound to a purpose
// (uk_alloc_register / uk_alloc_get_default / uk_alloc_foreach in lib/ukalloc).
import { Errno, RkError } from '@runikraft/errno';
import type { RkAlloc, RkAllocApi } from './api';

/** Creates the `rkalloc` registry entry with `first` as the default instance. */
export function createAllocApi(first: RkAlloc): RkAllocApi {
  const list: RkAlloc[] = [first];
  const purposes = new Map<string, RkAlloc>();
  let def = first;
  const api: RkAllocApi = {
    get default() {
      return def;
    },
    setDefault(alloc) {
      if (!list.includes(alloc)) api.register(alloc);
      def = alloc;
    },
    register(alloc) {
      if (list.some((a) => a.name === alloc.name))
        throw new RkError(
          Errno.EEXIST,
          `rkalloc: an allocator named "${alloc.name}" is already registered`,
        );
      list.push(alloc);
    },
    all: () => list.slice(),
    find: (name) => list.find((a) => a.name === name),
    setPurpose(purpose, alloc) {
      if (!list.includes(alloc)) api.register(alloc);
      purposes.set(purpose, alloc);
    },
    forPurpose: (purpose) => purposes.get(purpose) ?? def,
  };
  return api;
}
