// Test helpers: a buddy (or tlsf) allocator over a stand-in guest RAM, and a clock that ticks.
import type { RkAlloc } from '@runikraft/rkalloc';
import { createBuddyAlloc } from '@runikraft/rkalloc-buddy';
import { createTlsfAlloc } from '@runikraft/rkalloc-tlsf';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkFsEnv } from '@runikraft/vfscore/driver';

export function testAlloc(size = 8 << 20, kind: 'buddy' | 'tlsf' = 'buddy'): RkAlloc {
  const buffer = new SharedArrayBuffer(size);
  const phys: RkPhysMem = {
    buffer,
    base: 0x80000000,
    size,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  return kind === 'tlsf'
    ? createTlsfAlloc(phys, phys.base, size)
    : createBuddyAlloc(phys, phys.base, size);
}

/** A wall clock starting at 2026-01-01 that advances 1 ms per reading. */
export function testEnv(): RkFsEnv {
  let ms = Date.UTC(2026, 0, 1);
  return {
    now: () => {
      ms++;
      return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 };
    },
  };
}
