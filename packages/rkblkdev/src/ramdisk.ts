// A RAM-disk block driver (the counterpart of a memory-backed disk): sectors in a host-side
// Uint8Array, data moved from/to guest RAM at submit time; completion is immediate.
import { Errno } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkBlkdevInfo, RkBlkreq } from './api';
import { blkreqSegs, type RkBlkdevDriverHandle, type RkBlkdevOps } from './driver';

export interface RamdiskOptions {
  readonly sectors: number;
  readonly sectorSize?: number;
  readonly readOnly?: boolean;
  /** Initial content (copied); zeros otherwise. */
  readonly image?: Uint8Array;
  /** Fails the n-th (1-based) request and every later one with -EIO when it returns true. */
  readonly failWhen?: (req: RkBlkreq, n: number) => boolean;
}

export class RamdiskBlkdev implements RkBlkdevOps {
  readonly disk: Uint8Array;
  private handle: RkBlkdevDriverHandle | null = null;
  private n = 0;
  private readonly sectorSize: number;

  constructor(
    private readonly phys: RkPhysMem,
    private readonly opts: RamdiskOptions,
  ) {
    this.sectorSize = opts.sectorSize ?? 512;
    this.disk = new Uint8Array(opts.sectors * this.sectorSize);
    if (opts.image) this.disk.set(opts.image.subarray(0, this.disk.length));
  }

  attach(handle: RkBlkdevDriverHandle): void {
    this.handle = handle;
  }

  info(): RkBlkdevInfo {
    return {
      sectorSize: this.sectorSize,
      sectors: this.opts.sectors,
      readOnly: this.opts.readOnly ?? false,
      maxQueueDepth: 64,
      maxSectorsPerReq: 1024,
      maxSegments: 64,
      flush: true,
    };
  }

  start(req: RkBlkreq): number {
    if (!this.handle) return -Errno.ENODEV;
    this.n++;
    if (this.opts.failWhen?.(req, this.n)) {
      this.handle.complete(req, -Errno.EIO);
      return 0;
    }
    let off = req.sector * this.sectorSize;
    if (req.op !== 'flush')
      for (const s of blkreqSegs(req, this.sectorSize)) {
        const at = s.pa - this.phys.base;
        if (req.op === 'read') this.phys.u8.set(this.disk.subarray(off, off + s.bytes), at);
        else this.disk.set(this.phys.u8.subarray(at, at + s.bytes), off);
        off += s.bytes;
      }
    this.handle.complete(req, 0);
    return 0;
  }

  poll(): number {
    return 0;
  }

  async wait(): Promise<void> {}
}
