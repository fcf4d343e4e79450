// What a block driver implements (uk/blkdev_driver.h) and how it reports completions.
import type { RkBlkdevInfo, RkBlkreq, RkBlkseg } from './api';

export interface RkBlkdevOps {
  info(): RkBlkdevInfo;
  /** Starts a validated request. @returns 0 if started, -EBUSY if the ring is full, -errno otherwise. */
  start(req: RkBlkreq): number;
  /** Reaps finished requests (polling). @returns how many it completed. */
  poll(): number;
  /** Parks the caller until some request may have completed (e.g. halts until the next interrupt). */
  wait(): Promise<void>;
}

/** Handed to the driver at registration: it reports each finished request exactly once. */
export interface RkBlkdevDriverHandle {
  readonly id: number;
  complete(req: RkBlkreq, result: number): void;
}

export type { RkBlkdevFront } from './blkdev';
export { blkdevRegistry, RkBlkdevRegistryImpl } from './registry';

/** The pieces of a validated read/write request's buffer: `segs`, or the one buffer at `pa`. */
export function blkreqSegs(req: RkBlkreq, sectorSize: number): readonly RkBlkseg[] {
  return req.segs ?? [{ pa: req.pa, bytes: req.nbSectors * sectorSize }];
}
