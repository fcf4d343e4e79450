// A driver that waits: ramfs whose data and attribute calls answer through a Promise, as 9pfs over
// virtio does, so every such call suspends the program.
import { createRamfsType } from '@runikraft/ramfs';
import { createBuddyAlloc } from '@runikraft/rkalloc-buddy';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkFs, RkFsType } from '@runikraft/vfscore';

/** ramfs whose data calls answer through a Promise, like a driver waiting on a device. */
export function waitingRamfs(): RkFsType {
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
    name: 'waitfs',
    mount(args) {
      const fs = ram.mount(args) as RkFs;
      return new Proxy(fs, {
        get(t, key) {
          const v = Reflect.get(t, key) as unknown;
          if (typeof v !== 'function') return v;
          const f = v.bind(t) as (...a: unknown[]) => unknown;
          return key === 'read' || key === 'write' || key === 'getattr'
            ? (...a: unknown[]) => Promise.resolve().then(() => f(...a))
            : f;
        },
      });
    },
  };
}
