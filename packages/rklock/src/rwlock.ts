// Reader-writer lock (uk_rwlock), writer-preferring so writers do not starve, with timed variants.
import { Errno } from '@runikraft/errno';
import type { RkSched, RkThread, RkWaitQueue } from '@runikraft/rksched';

export class RkRwLock {
  private readersN = 0;
  private writer: RkThread | null = null;
  private writersWaiting = 0;
  private readonly rq: RkWaitQueue;
  private readonly wq: RkWaitQueue;

  constructor(private readonly sched: RkSched) {
    this.rq = sched.waitQueue();
    this.wq = sched.waitQueue();
  }

  get readers(): number {
    return this.readersN;
  }

  get writeLocked(): boolean {
    return this.writer !== null;
  }

  /** Shared lock. @returns 0, -ETIMEDOUT (with timeoutNs), -EDEADLK (caller holds it for writing). */
  async readLock(timeoutNs?: number): Promise<number> {
    if (this.writer === this.sched.current()) return -Errno.EDEADLK;
    const r = await this.rq.waitEvent(
      () => this.writer === null && this.writersWaiting === 0,
      timeoutNs,
    );
    if (r !== 0) return r === -Errno.EINTR ? this.readLock(timeoutNs) : r;
    this.readersN++;
    return 0;
  }

  /** Exclusive lock. @returns 0, -ETIMEDOUT, or -EDEADLK (caller already holds it for writing). */
  async writeLock(timeoutNs?: number): Promise<number> {
    const cur = this.sched.current();
    if (this.writer === cur) return -Errno.EDEADLK;
    this.writersWaiting++;
    const deadline =
      timeoutNs === undefined ? Number.POSITIVE_INFINITY : this.sched.now() + timeoutNs;
    for (;;) {
      if (this.writer === null && this.readersN === 0) break;
      const r = await this.wq.waitUntil(deadline);
      if (r === -Errno.ETIMEDOUT && !(this.writer === null && this.readersN === 0)) {
        this.writersWaiting--;
        if (this.writersWaiting === 0) this.rq.wakeAll(); // readers held back for us may go
        return r;
      }
    }
    this.writersWaiting--;
    this.writer = cur;
    return 0;
  }

  tryReadLock(): number {
    if (this.writer !== null || this.writersWaiting > 0) return -Errno.EBUSY;
    this.readersN++;
    return 0;
  }

  tryWriteLock(): number {
    if (this.writer !== null || this.readersN > 0) return -Errno.EBUSY;
    this.writer = this.sched.current();
    return 0;
  }

  /** Releases a read or write hold of the caller. @returns 0 or -EPERM (not held). */
  unlock(): number {
    if (this.writer !== null) {
      if (this.writer !== this.sched.currentOrNull()) return -Errno.EPERM;
      this.writer = null;
    } else if (this.readersN > 0) {
      this.readersN--;
    } else {
      return -Errno.EPERM;
    }
    if (this.writer === null && this.readersN === 0 && this.writersWaiting > 0) this.wq.wakeOne();
    else if (this.writersWaiting === 0) this.rq.wakeAll();
    return 0;
  }
}
