// A driver that waits: ramfs whose data and attribute calls (or, with `every`, all its calls) answer
// through a Promise, as 9pfs over virtio does, so every such call suspends the program.
import { createRamfsType } from '@runikraft/ramfs';
import { createBuddyAlloc } from '@runikraft/rkalloc-buddy';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkFs, RkFsType } from '@runikraft/vfscore';

/** The calls that wait by default: the data and attribute calls. */
const DATA = new Set<PropertyKey>(['read', 'write', 'getattr']);

/**
 * ramfs whose data calls (or `every` call but statfs/sync/unmount) answer through a Promise, like a
 * driver waiting on a device. `name` is the type's name.
 */
export function waitingRamfs(every = false, name = 'waitfs'): RkFsType {
  const size = 4 << 20;
  const buffer = new SharedArrayBuffer(size);
  const phys: RkPhysMem = {
    buffer,
    base: 0x90000000,
    size,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  const ram = createRamfsType(createBuddyAlloc(phys, phys.base, size));
  return {
    name,
    mount(args) {
      const fs = ram.mount(args) as RkFs;
      return new Proxy(fs, {
        get(t, key) {
          const v = Reflect.get(t, key) as unknown;
          if (typeof v !== 'function') return v;
          const f = v.bind(t) as (...a: unknown[]) => unknown;
          const waits = every
            ? key !== 'statfs' && key !== 'sync' && key !== 'unmount' && key !== 'release'
            : DATA.has(key);
          return waits ? (...a: unknown[]) => Promise.resolve().then(() => f(...a)) : f;
        },
      });
    },
  };
}
