// eventfd(2) (Linux fs/eventfd.c): a 64-bit counter as a descriptor. A write adds to it (parking
// while the sum would pass 2^64-2); a read takes all of it, or 1 in semaphore mode (parking while it
// is 0). Values cross the interface as 8-byte little-endian integers, as on riscv64.
import { Errno } from '@runikraft/errno';
import type { RkWaitQueue } from '@runikraft/rksched';
import type { RkPosixFile, RkPosixWatcher } from './api';
import { O_NONBLOCK, POLLIN, POLLOUT } from './constants';
import { RkFileWatchers } from './events';

/** The largest value the counter holds (ULLONG_MAX - 1). */
export const EVENTFD_MAX = 0xffff_ffff_ffff_fffen;

export class RkEventFd implements RkPosixFile {
  readonly type = 0;
  readonly kind = 'eventfd';
  private readonly wq: RkWaitQueue;
  private readonly watchers = new RkFileWatchers();

  constructor(
    waitQueue: () => RkWaitQueue,
    /** The counter. */
    public count: bigint,
    readonly semaphore: boolean,
  ) {
    this.wq = waitQueue();
  }

  poll(): number {
    return (this.count > 0n ? POLLIN : 0) | (this.count < EVENTFD_MAX ? POLLOUT : 0);
  }
  watch(w: RkPosixWatcher): () => void {
    return this.watchers.add(w);
  }
  /** `key`: the events the change concerns (POLLIN: added, POLLOUT: taken), as pipe.ts. */
  private changed(key: number): void {
    this.wq.wakeAll();
    this.watchers.notify(key);
  }

  /** @returns 8, -EINVAL (buffer under 8 bytes), -EAGAIN (0 and O_NONBLOCK), -EINTR. Parks while 0. */
  read(buf: Uint8Array, flags: number): number | Promise<number> {
    if (buf.length < 8) return -Errno.EINVAL;
    if (this.count > 0n) return this.take(buf);
    if (flags & O_NONBLOCK) return -Errno.EAGAIN;
    return this.wq.waitEvent(() => this.count > 0n).then((r) => (r < 0 ? r : this.take(buf)));
  }

  private take(buf: Uint8Array): number {
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    new DataView(buf.buffer, buf.byteOffset, 8).setBigUint64(0, v, true);
    this.changed(POLLOUT);
    return 8;
  }

  /**
   * @returns 8, -EINVAL (under 8 bytes, or the value 2^64-1), -EAGAIN (would overflow, O_NONBLOCK),
   * -EINTR. Parks while the sum would overflow.
   */
  write(buf: Uint8Array, flags: number): number | Promise<number> {
    if (buf.length < 8) return -Errno.EINVAL;
    const v = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
    if (v > EVENTFD_MAX) return -Errno.EINVAL;
    if (this.count + v <= EVENTFD_MAX) return this.add(v);
    if (flags & O_NONBLOCK) return -Errno.EAGAIN;
    return this.wq
      .waitEvent(() => this.count + v <= EVENTFD_MAX)
      .then((r) => (r < 0 ? r : this.add(v)));
  }

  private add(v: bigint): number {
    this.count += v;
    if (v > 0n) this.changed(POLLIN);
    return 8;
  }

  release(): number {
    return 0;
  }
}
