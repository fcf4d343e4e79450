// __LIB__'s block driver: a RAM disk to start from. Its sectors live in guest RAM (pages the library
// takes from rkalloc), so a request is a copy inside guest memory and completes at once. A real
// device would start the transfer here and call `complete` from its interrupt handler instead.
import { Errno } from '@runikraft/errno';
import type { RkBlkdevInfo, RkBlkreq } from '@runikraft/rkblkdev';
import type { RkBlkdevDriverHandle, RkBlkdevOps } from '@runikraft/rkblkdev/driver';
import type { RkPhysMem } from '@runikraft/rkplat';

export const SECTOR_SIZE = 512;

/** A RAM disk of `sectors` sectors stored at guest-physical `base` of `phys`. */
export class RamDisk implements RkBlkdevOps {
  private handle: RkBlkdevDriverHandle | null = null;

  constructor(
    private readonly phys: RkPhysMem,
    private readonly base: number,
    private readonly sectors: number,
  ) {
    const end = base + sectors * SECTOR_SIZE;
    if (base < phys.base || end > phys.base + phys.size)
      throw new RangeError(`__LIB__: disk [${base}, ${end}) is outside guest RAM`);
  }

  /** Called once after registration with the handle that reports completions. */
  attach(handle: RkBlkdevDriverHandle): void {
    this.handle = handle;
  }

  info(): RkBlkdevInfo {
    return {
      sectorSize: SECTOR_SIZE,
      sectors: this.sectors,
      readOnly: false,
      maxQueueDepth: 32,
      maxSectorsPerReq: 256,
      flush: true,
    };
  }

  /** The front end has checked op, range and buffer; the driver moves the data and completes. */
  start(req: RkBlkreq): number {
    if (!this.handle) return -Errno.ENODEV;
    const disk = this.base - this.phys.base + req.sector * SECTOR_SIZE;
    const buf = req.pa - this.phys.base;
    const len = req.nbSectors * SECTOR_SIZE;
    if (req.op === 'read') this.phys.u8.copyWithin(buf, disk, disk + len);
    else if (req.op === 'write') this.phys.u8.copyWithin(disk, buf, buf + len);
    this.handle.complete(req, 0);
    return 0;
  }

  poll(): number {
    return 0;
  }

  async wait(): Promise<void> {}
}
