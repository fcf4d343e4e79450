// The rkblkdev front end shared by every driver: request checks, queue depth, statistics, the
// awaitable (sync) helpers over the asynchronous request path (ukblkdev's blkdev.c + sync io).
import { Errno } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkBlkdev, RkBlkdevInfo, RkBlkdevStats, RkBlkreq, RkBlkreqOp } from './api';
import type { RkBlkdevDriverHandle, RkBlkdevOps } from './driver';

/**
 * The shared front end of one registered block device: argument checks, state and statistics, written
 * once here around the driver's ops; what the registry hands out.
 */
export class RkBlkdevFront implements RkBlkdev, RkBlkdevDriverHandle {
  readonly stats: RkBlkdevStats = {
    reads: 0,
    writes: 0,
    flushes: 0,
    bytesRead: 0,
    bytesWritten: 0,
    errors: 0,
  };
  inflight = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly phys: RkPhysMem,
    private readonly ops: RkBlkdevOps,
  ) {}

  info(): RkBlkdevInfo {
    return this.ops.info();
  }

  submit(req: RkBlkreq): number {
    const bad = this.check(req);
    if (bad) return bad;
    const info = this.ops.info();
    if (this.inflight >= info.maxQueueDepth) return -Errno.EBUSY;
    req.done = false;
    req.result = undefined;
    this.inflight++;
    const r = this.ops.start(req);
    if (r < 0 && !req.done) {
      this.inflight--;
      return r;
    }
    return 0;
  }

  read(sector: number, nbSectors: number, pa: number): Promise<number> {
    return this.sync('read', sector, nbSectors, pa);
  }
  write(sector: number, nbSectors: number, pa: number): Promise<number> {
    return this.sync('write', sector, nbSectors, pa);
  }
  flush(): Promise<number> {
    return this.sync('flush', 0, 0, 0);
  }

  poll(): number {
    return this.ops.poll();
  }

  /** Driver → front end: a request finished with `result` (0 or -errno). */
  complete(req: RkBlkreq, result: number): void {
    if (req.done) return;
    req.done = true;
    req.result = result;
    this.inflight--;
    const bytes = req.nbSectors * this.ops.info().sectorSize;
    if (result < 0) this.stats.errors++;
    else if (req.op === 'read') {
      this.stats.reads++;
      this.stats.bytesRead += bytes;
    } else if (req.op === 'write') {
      this.stats.writes++;
      this.stats.bytesWritten += bytes;
    } else this.stats.flushes++;
    req.callback?.(req);
  }

  private async sync(
    op: RkBlkreqOp,
    sector: number,
    nbSectors: number,
    pa: number,
  ): Promise<number> {
    const req: RkBlkreq = { op, sector, nbSectors, pa };
    for (;;) {
      const r = this.submit(req);
      if (r === 0) break;
      if (r !== -Errno.EBUSY) return r;
      this.ops.poll();
      await this.ops.wait();
    }
    // Reap at once what the device already finished (a synchronous device model completes in the
    // notify: parking and being woken by its interrupt cost more than the I/O); otherwise park until
    // the driver's IRQ handler completes it, polling after a wake-up that did not (interrupts masked).
    if (!req.done) this.ops.poll();
    while (!req.done) {
      await this.ops.wait();
      if (!req.done) this.ops.poll();
    }
    return req.result ?? -Errno.EIO;
  }

  private check(req: RkBlkreq): number {
    const info = this.ops.info();
    if (req.op === 'flush') return 0; // a device without a volatile cache completes flush at once
    if (req.op !== 'read' && req.op !== 'write') return -Errno.EINVAL;
    if (req.op === 'write' && info.readOnly) return -Errno.EROFS;
    const { sector, nbSectors, pa } = req;
    if (
      !Number.isSafeInteger(sector) ||
      !Number.isSafeInteger(nbSectors) ||
      sector < 0 ||
      nbSectors <= 0
    )
      return -Errno.EINVAL;
    if (nbSectors > info.maxSectorsPerReq || sector + nbSectors > info.sectors)
      return -Errno.EINVAL;
    const bytes = nbSectors * info.sectorSize;
    if (
      !Number.isSafeInteger(pa) ||
      pa < this.phys.base ||
      pa + bytes > this.phys.base + this.phys.size
    )
      return -Errno.EFAULT;
    return 0;
  }
}
