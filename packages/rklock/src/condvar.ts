// Condition variable (uk_condvar / pthread_cond) over RkMutex, with a timed wait that times out.
import { Errno } from '@runikraft/errno';
import type { RkSched, RkWaitQueue } from '@runikraft/rksched';
import type { RkMutex } from './mutex';

export class RkCondVar {
  private readonly wq: RkWaitQueue;

  constructor(private readonly sched: RkSched) {
    this.wq = sched.waitQueue();
  }

  get waiters(): number {
    return this.wq.length;
  }

  /**
   * Atomically releases `m` and waits for a signal (or `timeoutNs`), then re-acquires `m`.
   * @returns 0, -ETIMEDOUT, -EINTR, or -EPERM (caller does not own `m`). Parks the caller.
   */
  async wait(m: RkMutex, timeoutNs?: number): Promise<number> {
    if (m.owner !== this.sched.currentOrNull()) return -Errno.EPERM;
    m.unlock();
    // No other thread runs between unlock() and the park below: the wait cannot miss a signal.
    const r = await this.wq.wait(timeoutNs);
    await m.lock();
    return r;
  }

  /** Wakes one waiter. May run in IRQ context. */
  signal(): void {
    this.wq.wakeOne();
  }

  /** Wakes every waiter. May run in IRQ context. */
  broadcast(): void {
    this.wq.wakeAll();
  }
}
