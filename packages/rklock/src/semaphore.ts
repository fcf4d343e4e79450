// Counting semaphore (uk_semaphore) with FIFO hand-off and timed/try variants.
import { Errno, RkError } from '@runikraft/errno';
import type { RkSched, RkWaitQueue } from '@runikraft/rksched';

const OK: Promise<number> = Promise.resolve(0);

export class RkSemaphore {
  private n: number;
  private readonly wq: RkWaitQueue;

  constructor(
    private readonly sched: RkSched,
    initial = 0,
  ) {
    if (!Number.isInteger(initial) || initial < 0)
      throw new RkError(
        Errno.EINVAL,
        `rklock: semaphore count ${initial} must be a non-negative integer`,
      );
    this.n = initial;
    this.wq = sched.waitQueue();
  }

  get count(): number {
    return this.n;
  }

  /** P: takes one unit, waiting for it. @returns 0 or -EINTR. Parks the caller. */
  down(): Promise<number> {
    return this.downUntil(Number.POSITIVE_INFINITY);
  }

  /** As down() with a timeout. @returns 0, -ETIMEDOUT or -EINTR. */
  timedDown(timeoutNs: number): Promise<number> {
    return this.downUntil(this.sched.now() + Math.max(0, timeoutNs));
  }

  /** Takes one unit if available. @returns 0 or -EAGAIN. Never parks. May run in IRQ context. */
  tryDown(): number {
    if (this.n === 0) return -Errno.EAGAIN;
    this.n--;
    return 0;
  }

  /** V: gives one unit, directly to the longest waiter if any. May run in IRQ context. */
  up(): void {
    if (!this.wq.wakeOne()) this.n++;
  }

  private downUntil(deadline: number): Promise<number> {
    if (this.n > 0) {
      this.n--;
      const p = this.sched.preemptPoint();
      return p ? p.then(() => 0) : OK;
    }
    return this.wq.waitUntil(deadline); // 0 = a unit was handed to us by up()
  }
}
