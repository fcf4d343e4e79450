// The awaitable helpers reap a request the device has already finished by polling once right after
// submitting it, so a device that completes at once (the machine model's synchronous virtio-blk)
// costs no park and wake-up; a device that has not finished is still waited for.
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkBlkdevInfo, RkBlkreq } from '../src/api';
import type { RkBlkdevDriverHandle, RkBlkdevOps } from '../src/driver';
import { RkBlkdevRegistryImpl } from '../src/registry';
import { testPhys } from './helpers';

/** Finishes each request after `lag` polls (0: done by the first poll); reports only from poll(). */
class LaggingDisk implements RkBlkdevOps {
  handle: RkBlkdevDriverHandle | null = null;
  queue: { req: RkBlkreq; left: number }[] = [];
  waits = 0;
  polls = 0;
  constructor(private readonly lag: number) {}
  info(): RkBlkdevInfo {
    return {
      sectorSize: 512,
      sectors: 64,
      readOnly: false,
      maxQueueDepth: 4,
      maxSectorsPerReq: 8,
      flush: true,
    };
  }
  start(req: RkBlkreq): number {
    this.queue.push({ req, left: this.lag });
    return 0;
  }
  poll(): number {
    this.polls++;
    let n = 0;
    for (const q of [...this.queue])
      if (q.left-- <= 0) {
        this.queue.splice(this.queue.indexOf(q), 1);
        this.handle!.complete(q.req, q.req.sector === 13 ? -Errno.EIO : 0);
        n++;
      }
    return n;
  }
  async wait(): Promise<void> {
    this.waits++;
  }
}

function make(lag: number) {
  const phys = testPhys(1 << 16);
  const drv = new LaggingDisk(lag);
  const { dev, handle } = new RkBlkdevRegistryImpl().register('lag0', phys, drv);
  drv.handle = handle;
  return { dev, drv, pa: phys.base };
}

describe('rkblkdev sync helpers', () => {
  it('a request the device finished at once completes without waiting', async () => {
    const { dev, drv, pa } = make(0);
    expect(await dev.read(0, 8, pa)).toBe(0);
    expect(await dev.write(8, 8, pa)).toBe(0);
    expect(await dev.read(13, 1, pa)).toBe(-Errno.EIO);
    expect([drv.waits, drv.polls, dev.inflight]).toEqual([0, 3, 0]);
    expect(dev.stats).toMatchObject({ reads: 1, writes: 1, errors: 1 });
  });

  it('an unfinished request is waited for, and reaped after each wake-up', async () => {
    const { dev, drv, pa } = make(3);
    expect(await dev.read(0, 8, pa)).toBe(0);
    // the poll after submitting found nothing; then wait, poll (x3) until it is done
    expect([drv.waits, drv.polls, dev.inflight]).toEqual([3, 4, 0]);
  });
});
