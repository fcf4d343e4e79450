// Wait queues (uk_waitq): FIFO lists of blocked threads, woken one or all, with timeouts.
// Intrusive doubly-linked list through the thread control block: O(1) park, wake and timeout.
import type { RkThread, RkWaitQueue } from './api';
import type { SchedCore } from './sched';
import type { ThreadImpl } from './thread';

const OK: Promise<number> = Promise.resolve(0);

export class WaitQueueImpl implements RkWaitQueue {
  private head: ThreadImpl | null = null;
  private tail: ThreadImpl | null = null;
  private count = 0;

  constructor(private readonly core: SchedCore) {}

  get length(): number {
    return this.count;
  }

  wait(timeoutNs?: number): Promise<number> {
    const deadline =
      timeoutNs === undefined ? Number.POSITIVE_INFINITY : this.core.now() + Math.max(0, timeoutNs);
    return this.core.here().block(this, deadline, 'wait');
  }

  waitUntil(deadlineNs: number): Promise<number> {
    return this.core.here().block(this, deadlineNs, 'waitUntil');
  }

  waitEvent(cond: () => boolean, timeoutNs?: number): Promise<number> {
    if (cond()) {
      const p = this.core.here().kernelEntry(); // no park, but still a preemption point
      return p ? p.then(() => 0) : OK;
    }
    return this.waitEventSlow(cond, timeoutNs);
  }

  private async waitEventSlow(cond: () => boolean, timeoutNs?: number): Promise<number> {
    const deadline =
      timeoutNs === undefined ? Number.POSITIVE_INFINITY : this.core.now() + Math.max(0, timeoutNs);
    for (;;) {
      const r = await this.core.here().block(this, deadline, 'waitEvent');
      if (cond()) return 0;
      if (r !== 0) return r;
    }
  }

  wakeOne(): RkThread | null {
    const t = this.head;
    if (!t) return null;
    this.core.wake(t, 0);
    return t.user;
  }

  wakeAll(): number {
    let n = 0;
    while (this.head) {
      this.core.wake(this.head, 0);
      n++;
    }
    return n;
  }

  /** Links `t` at the tail (front end only). */
  push(t: ThreadImpl): void {
    t.wq = this;
    t.wqNext = null;
    t.wqPrev = this.tail;
    if (this.tail) this.tail.wqNext = t;
    else this.head = t;
    this.tail = t;
    this.count++;
  }

  /** Unlinks `t` (front end only). */
  unlink(t: ThreadImpl): void {
    if (t.wqPrev) t.wqPrev.wqNext = t.wqNext;
    else this.head = t.wqNext;
    if (t.wqNext) t.wqNext.wqPrev = t.wqPrev;
    else this.tail = t.wqPrev;
    t.wq = t.wqPrev = t.wqNext = null;
    this.count--;
  }
}
