// The rkblkdev API (ukblkdev: include/uk/blkdev.h, uk/blkreq.h), types only.
// The registry augmentation below needs rkboot in the program (tsup's d.ts build resolves it only when imported).
import type {} from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';

export type RkBlkreqOp = 'read' | 'write' | 'flush';

/** One piece of a scatter-gather request's buffer: `bytes` (whole sectors) of guest RAM at `pa`. */
export interface RkBlkseg {
  readonly pa: number;
  readonly bytes: number;
}

/**
 * One asynchronous request (uk_blkreq). Data moves by DMA to/from guest RAM at `pa`, or, for a
 * scatter-gather request, to/from the pieces `segs` in order (one device request for sectors that
 * are contiguous on the disk but not in memory).
 */
export interface RkBlkreq {
  readonly op: RkBlkreqOp;
  /** First sector, in units of the device's sector size. */
  readonly sector: number;
  readonly nbSectors: number;
  /**
   * Guest-physical address of the data buffer (`nbSectors * sectorSize` bytes). Ignored for flush
   * and when `segs` is given.
   */
  readonly pa: number;
  /**
   * Scatter-gather: the buffer as pieces, each a whole number of sectors, together `nbSectors`
   * sectors; at most `info().maxSegments` of them.
   */
  readonly segs?: readonly RkBlkseg[];
  /** Called once on completion (IRQ context for interrupt-driven drivers). */
  readonly callback?: (req: RkBlkreq) => void;
  /** Set by the front end on completion: 0 or -errno (-EIO device error, -EROFS, -EINVAL). */
  result?: number;
  done?: boolean;
}

export interface RkBlkdevInfo {
  /** Bytes per sector (logical block size). */
  readonly sectorSize: number;
  /** Capacity in sectors. */
  readonly sectors: number;
  readonly readOnly: boolean;
  /** Requests that may be in flight at once. */
  readonly maxQueueDepth: number;
  /** Largest request in sectors. */
  readonly maxSectorsPerReq: number;
  /** Most pieces (`segs`) of one request; absent: 1 (the driver takes only `pa`). */
  readonly maxSegments?: number;
  /** True if the device has a volatile cache and honours flush. */
  readonly flush: boolean;
}

export interface RkBlkdevStats {
  reads: number;
  writes: number;
  flushes: number;
  bytesRead: number;
  bytesWritten: number;
  errors: number;
}

/**
 * A request's result, 0 or -errno: the number itself when the device finished it inside the submit
 * (a synchronous device model completes in the notify), else a Promise the caller parks on.
 */
export type RkBlkResult = number | Promise<number>;

/** A block device as users see it. */
export interface RkBlkdev {
  readonly id: number;
  readonly name: string;
  readonly phys: RkPhysMem;
  readonly stats: Readonly<RkBlkdevStats>;
  info(): RkBlkdevInfo;
  /** Requests submitted and not yet completed. */
  readonly inflight: number;
  /**
   * Queues a request; completion runs `req.callback`. Never blocks.
   * @returns 0 queued, -EBUSY queue full, -EINVAL bad range/alignment/buffer, -EROFS write to read-only.
   */
  submit(req: RkBlkreq): number;
  /** Reads sectors into guest RAM at `pa`; parks the caller unless done at once. @returns 0 or -errno. */
  read(sector: number, nbSectors: number, pa: number): RkBlkResult;
  /** Writes sectors from guest RAM at `pa` (as read). @returns 0 or -errno (-EROFS, -EIO). */
  write(sector: number, nbSectors: number, pa: number): RkBlkResult;
  /**
   * Reads consecutive sectors from `sector` into the pieces `segs` in order; parks the caller. One
   * request when the driver takes that many pieces, else as few requests as it allows.
   * @returns 0 or -errno (-EINVAL: a piece that is not whole sectors or too large, -EFAULT, -EIO).
   */
  readv(sector: number, segs: readonly RkBlkseg[]): RkBlkResult;
  /** Writes the pieces `segs` in order to consecutive sectors from `sector` (as readv). */
  writev(sector: number, segs: readonly RkBlkseg[]): RkBlkResult;
  /** Flushes the device's write cache to stable storage. @returns 0 or -errno. */
  flush(): RkBlkResult;
  /** Polling mode: reaps completions now. @returns the number completed. */
  poll(): number;
}

export interface RkBlkdevRegistry {
  count(): number;
  get(id: number): RkBlkdev | undefined;
  all(): readonly RkBlkdev[];
}

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rkblkdev: RkBlkdevRegistry;
  }
}
