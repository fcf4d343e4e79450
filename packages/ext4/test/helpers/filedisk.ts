// A block driver over a host image file for tests (the test-side counterpart of the machine's
// `-drive file=`): sectors move between the file and the stand-in guest RAM at submit time, so a
// 256 MiB image costs nothing to "insert" and writes land in the file for e2fsck and debugfs.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { Errno } from '@runikraft/errno';
import type { RkBlkdevInfo, RkBlkreq } from '@runikraft/rkblkdev';
import {
  blkreqSegs,
  type RkBlkdevDriverHandle,
  type RkBlkdevOps,
} from '@runikraft/rkblkdev/driver';
import type { RkPhysMem } from '@runikraft/rkplat';

export class FileBlkdev implements RkBlkdevOps {
  private handle: RkBlkdevDriverHandle | null = null;
  private readonly fd: number;
  private readonly sectors: number;

  constructor(
    private readonly phys: RkPhysMem,
    path: string,
    private readonly readOnly = false,
  ) {
    this.fd = openSync(path, readOnly ? 'r' : 'r+');
    this.sectors = Math.floor(fstatSync(this.fd).size / 512);
  }

  attach(handle: RkBlkdevDriverHandle): void {
    this.handle = handle;
  }

  info(): RkBlkdevInfo {
    return {
      sectorSize: 512,
      sectors: this.sectors,
      readOnly: this.readOnly,
      maxQueueDepth: 64,
      maxSectorsPerReq: 2048,
      maxSegments: 126,
      flush: true,
    };
  }

  start(req: RkBlkreq): number {
    if (!this.handle) return -Errno.ENODEV;
    if (req.op === 'flush') fsyncSync(this.fd);
    else {
      let pos = req.sector * 512;
      for (const s of blkreqSegs(req, 512)) {
        const at = s.pa - this.phys.base;
        const ram = this.phys.u8.subarray(at, at + s.bytes);
        if (req.op === 'read') readSync(this.fd, ram, 0, s.bytes, pos);
        else writeSync(this.fd, ram, 0, s.bytes, pos);
        pos += s.bytes;
      }
    }
    if (this.later) this.deferred.push(req);
    else this.handle.complete(req, 0);
    return 0;
  }

  /**
   * Completes each request only at the driver's next wait (as an interrupt would, after the
   * caller parked) instead of inside its submit: the path where every request waits.
   */
  later = false;
  private deferred: RkBlkreq[] = [];

  poll(): number {
    return 0;
  }

  async wait(): Promise<void> {
    await Promise.resolve();
    const done = this.deferred;
    this.deferred = [];
    for (const req of done) this.handle?.complete(req, 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}
