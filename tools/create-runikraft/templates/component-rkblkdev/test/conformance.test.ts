// rkblkdev's conformance kit against this driver: a disk registered on 2 MiB of stand-in guest RAM
// (the kit's scratch buffer below it), checked through the block API and directly in the backing.

import { describeRkBlkdev } from '@runikraft/rkblkdev/conformance';
import { RkBlkdevRegistryImpl } from '@runikraft/rkblkdev/driver';
import type { RkPhysMem } from '@runikraft/rkplat';
import { RamDisk } from '../src/index';

function guestRam(size: number): RkPhysMem {
  const buffer = new SharedArrayBuffer(size);
  return { buffer, base: 0x80000000, size, u8: new Uint8Array(buffer), view: new DataView(buffer) };
}

describeRkBlkdev('__LIB__', () => {
  const phys = guestRam(2 << 20);
  const diskAt = phys.base + (1 << 20);
  const drv = new RamDisk(phys, diskAt, 2048);
  const { dev, handle } = new RkBlkdevRegistryImpl().register('__LIB__0', phys, drv);
  drv.attach(handle);
  return {
    dev,
    bufPa: phys.base + 0x1000,
    backing: (off, len) => phys.u8.slice(diskAt - phys.base + off, diskAt - phys.base + off + len),
  };
});
