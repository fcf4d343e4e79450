// The rkblkdev front end shared by every driver: request checks, queue depth, statistics, the
// awaitable (sync) helpers over the asynchronous request path (ukblkdev's blkdev.c + sync io).
import { Errno } from '@runikraft/errno';
import type { RkPhysMem } from '@runikraft/rkplat';
import type {
  RkBlkdev,
  RkBlkdevInfo,
  RkBlkdevStats,
  RkBlkResult,
  RkBlkreq,
  RkBlkreqOp,
  RkBlkseg,
} from './api';
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

  read(sector: number, nbSectors: number, pa: number): RkBlkResult {
    return this.sync('read', sector, nbSectors, pa);
  }
  write(sector: number, nbSectors: number, pa: number): RkBlkResult {
    return this.sync('write', sector, nbSectors, pa);
  }
  flush(): RkBlkResult {
    return this.sync('flush', 0, 0, 0);
  }
  readv(sector: number, segs: readonly RkBlkseg[]): RkBlkResult {
    return this.vector('read', sector, segs);
  }
  writev(sector: number, segs: readonly RkBlkseg[]): RkBlkResult {
    return this.vector('write', sector, segs);
  }

  /**
   * readv/writev: the pieces in as few requests as the driver allows (its maxSegments and
   * maxSectorsPerReq; a piece larger than one request is split), each request a run of consecutive
   * sectors. One piece is a plain request.
   */
  private vector(op: 'read' | 'write', sector: number, segs: readonly RkBlkseg[]): RkBlkResult {
    const info = this.ops.info();
    const ss = info.sectorSize;
    const maxSegs = Math.max(1, info.maxSegments ?? 1);
    const maxBytes = info.maxSectorsPerReq * ss;
    if (segs.length === 0) return -Errno.EINVAL;
    for (const s of segs)
      if (!Number.isSafeInteger(s.bytes) || s.bytes <= 0 || s.bytes % ss !== 0)
        return -Errno.EINVAL;
    // the requests, cut up front; sent in turn, each after the one before it finished
    const reqs: Array<{ at: number; n: number; batch: RkBlkseg[] }> = [];
    let at = sector;
    let batch: RkBlkseg[] = [];
    let bytes = 0;
    const cut = () => {
      reqs.push({ at, n: bytes / ss, batch });
      at += bytes / ss;
      batch = [];
      bytes = 0;
    };
    for (const s of segs) {
      for (let off = 0; off < s.bytes; ) {
        if (batch.length === maxSegs || bytes === maxBytes) cut();
        const take = Math.min(s.bytes - off, maxBytes - bytes);
        batch.push({ pa: s.pa + off, bytes: take });
        bytes += take;
        off += take;
      }
    }
    cut();
    const send = (i: number): RkBlkResult => {
      for (; i < reqs.length; i++) {
        const q = reqs[i]!;
        const r =
          q.batch.length === 1
            ? this.sync(op, q.at, q.n, q.batch[0]!.pa)
            : this.sync(op, q.at, q.n, 0, q.batch);
        if (r instanceof Promise) {
          const next = i + 1;
          return r.then((v) => (v < 0 || next === reqs.length ? v : send(next)));
        }
        if (r < 0 || i === reqs.length - 1) return r;
      }
      return 0;
    };
    return send(0);
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

  /**
   * Submits one request and reaps at once what the device already finished (a synchronous device
   * model completes in the notify: parking and being woken by its interrupt cost more than the
   * I/O): then the result itself, no Promise. Otherwise parks until the driver's IRQ handler
   * completes it (waitFor).
   */
  private sync(
    op: RkBlkreqOp,
    sector: number,
    nbSectors: number,
    pa: number,
    segs?: readonly RkBlkseg[],
  ): RkBlkResult {
    const req: RkBlkreq = segs
      ? { op, sector, nbSectors, pa, segs }
      : { op, sector, nbSectors, pa };
    const r = this.submit(req);
    if (r === -Errno.EBUSY) return this.waitFor(req, true);
    if (r < 0) return r;
    if (!req.done) this.ops.poll();
    if (!req.done) return this.waitFor(req, false);
    return req.result ?? -Errno.EIO;
  }

  /**
   * Parks until `req` completes (submitted first when `queue` says the queue was full), polling
   * after a wake-up that did not complete it (interrupts masked).
   */
  private async waitFor(req: RkBlkreq, queue: boolean): Promise<number> {
    while (queue) {
      this.ops.poll();
      await this.ops.wait();
      const r = this.submit(req);
      if (r === 0) {
        if (!req.done) this.ops.poll();
        break;
      }
      if (r !== -Errno.EBUSY) return r;
    }
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
    const segs = req.segs;
    if (!segs) return this.inRam(pa, bytes) ? 0 : -Errno.EFAULT;
    // every piece whole sectors, in guest RAM, together the request's length
    if (segs.length === 0 || segs.length > Math.max(1, info.maxSegments ?? 1)) return -Errno.EINVAL;
    let sum = 0;
    for (const s of segs) {
      if (!Number.isSafeInteger(s.bytes) || s.bytes <= 0 || s.bytes % info.sectorSize !== 0)
        return -Errno.EINVAL;
      if (!this.inRam(s.pa, s.bytes)) return -Errno.EFAULT;
      sum += s.bytes;
    }
    return sum === bytes ? 0 : -Errno.EINVAL;
  }

  private inRam(pa: number, bytes: number): boolean {
    return (
      Number.isSafeInteger(pa) &&
      pa >= this.phys.base &&
      pa + bytes <= this.phys.base + this.phys.size
    );
  }
}
