// A guest-RAM stand-in for unit tests: `{buffer, base, size, u8, view}` at 0x8000_0000.
import type { RkPhysMem } from '@runikraft/rkplat';

export function testPhys(size = 1 << 20): RkPhysMem {
  const buffer = new SharedArrayBuffer(size);
  return { buffer, base: 0x80000000, size, u8: new Uint8Array(buffer), view: new DataView(buffer) };
}
