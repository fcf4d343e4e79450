// __NAME__: an rkblkdev driver. `library` is what rk's generated entry imports from every chosen
// component; `RamDisk` is the driver (the conformance kit registers one on test memory).
import { Errno, RkError } from '@runikraft/errno';
import { RK_PAGE_SIZE } from '@runikraft/rkalloc';
import { blkdevRegistry } from '@runikraft/rkblkdev/driver';
import { defineLibrary } from '@runikraft/rkboot';
import { RamDisk, SECTOR_SIZE } from './ramdisk';

export { RamDisk, SECTOR_SIZE } from './ramdisk';

/**
 * The library descriptor: at the `plat` init level it takes the disk's pages from rkalloc and
 * registers the device as `__LIB__0` with rkblkdev, where apps and file systems find it. Boot
 * parameter: `__LIB__.size_kib` (default 1024).
 */
export const library = defineLibrary({
  name: '__LIB__',
  version: '0.1.0',
  provides: ['__LIB__'],
  requires: ['rkalloc', 'rkblkdev', 'rkplat'],
  initLevel: 'plat',
  params: {
    size_kib: { type: 'number', default: 1024, min: 4, integer: true, doc: 'disk size in KiB' },
  },
  init({ registry, plat, params }) {
    const pages = Math.ceil((params.size_kib * 1024) / RK_PAGE_SIZE);
    const base = registry.get('rkalloc').forPurpose('__LIB__').palloc(pages);
    if (base === 0)
      throw new RkError(
        Errno.ENOMEM,
        `__LIB__: no ${params.size_kib} KiB of guest RAM for the disk`,
      );
    const phys = plat.memory.phys;
    const drv = new RamDisk(phys, base, (params.size_kib * 1024) / SECTOR_SIZE);
    const { handle } = blkdevRegistry(registry).register('__LIB__0', phys, drv);
    drv.attach(handle);
  },
});
