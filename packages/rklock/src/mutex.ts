// Mutex (uk_mutex) with owner tracking, optional recursion, FIFO hand-off (no barging, no
// starvation) and a timed variant that really times out. Built on an rksched wait queue.
import { Errno } from '@runikraft/errno';
import type { RkSched, RkThread, RkWaitQueue } from '@runikraft/rksched';

const OK: Promise<number> = Promise.resolve(0);
const INF = Number.POSITIVE_INFINITY;

export interface RkMutexOptions {
  /** The owner may lock again; it must unlock as many times. Default false. */
  readonly recursive?: boolean;
  /**
   * Priority inheritance (PTHREAD_PRIO_INHERIT): while a higher-priority thread waits, the owner
   * runs at that priority, so a middle-priority thread cannot starve the owner. One level (not
   * transitive through chains of mutexes). Default false.
   */
  readonly priorityInheritance?: boolean;
}

export class RkMutex {
  private ownerT: RkThread | null = null;
  private depth = 0;
  private readonly wq: RkWaitQueue;
  readonly recursive: boolean;
  readonly priorityInheritance: boolean;
  /** Acquisitions that had to wait (contention statistics). */
  contended = 0;
  /** Waiting threads (priority inheritance needs their priorities). */
  private readonly waiters = new Set<RkThread>();
  /** The owner's own priority while it runs boosted, else null. */
  private basePrio: number | null = null;

  constructor(
    private readonly sched: RkSched,
    opts: RkMutexOptions = {},
  ) {
    this.wq = sched.waitQueue();
    this.recursive = opts.recursive ?? false;
    this.priorityInheritance = opts.priorityInheritance ?? false;
  }

  get owner(): RkThread | null {
    return this.ownerT;
  }

  get locked(): boolean {
    return this.ownerT !== null;
  }

  /** Acquires the mutex. @returns 0, or -EDEADLK (non-recursive relock by the owner). Parks the caller. */
  lock(): Promise<number> {
    return this.lockUntil(INF);
  }

  /** As lock() but gives up after `timeoutNs`. @returns 0, -ETIMEDOUT or -EDEADLK. */
  timedLock(timeoutNs: number): Promise<number> {
    return this.lockUntil(this.sched.now() + Math.max(0, timeoutNs));
  }

  /** Takes the mutex if free. @returns 0, -EBUSY, or -EDEADLK. Never parks. */
  tryLock(): number {
    const cur = this.sched.current();
    if (this.ownerT === null) {
      this.ownerT = cur;
      this.depth = 1;
      return 0;
    }
    if (this.ownerT === cur) return this.relock();
    return -Errno.EBUSY;
  }

  /** Releases the mutex, handing it to the longest waiter. @returns 0 or -EPERM (caller is not the owner). */
  unlock(): number {
    if (this.ownerT !== this.sched.currentOrNull()) return -Errno.EPERM;
    if (--this.depth > 0) return 0;
    this.unboost();
    const next = this.wq.wakeOne();
    this.ownerT = next;
    this.depth = next ? 1 : 0;
    if (next) {
      this.waiters.delete(next);
      this.boost();
    }
    return 0;
  }

  /** Raises the owner to the highest waiting priority (priority inheritance). */
  private boost(): void {
    const owner = this.ownerT;
    if (!this.priorityInheritance || !owner) return;
    let top = this.basePrio ?? owner.prio;
    for (const w of this.waiters) if (w.prio > top) top = w.prio;
    if (top === owner.prio) return;
    this.basePrio ??= owner.prio;
    this.sched.setPrio(owner, top);
  }

  private unboost(): void {
    if (this.basePrio === null || !this.ownerT) return;
    this.sched.setPrio(this.ownerT, this.basePrio);
    this.basePrio = null;
  }

  private relock(): number {
    if (!this.recursive) return -Errno.EDEADLK;
    this.depth++;
    return 0;
  }

  private lockUntil(deadline: number): Promise<number> {
    const cur = this.sched.current();
    if (this.ownerT === null) {
      this.ownerT = cur;
      this.depth = 1;
      const p = this.sched.preemptPoint(); // every kernel entry is a preemption point
      return p ? p.then(() => 0) : OK;
    }
    if (this.ownerT === cur) return Promise.resolve(this.relock());
    return this.slow(cur, deadline);
  }

  private async slow(cur: RkThread, deadline: number): Promise<number> {
    this.contended++;
    this.waiters.add(cur);
    this.boost();
    try {
      for (;;) {
        const r = await this.wq.waitUntil(deadline);
        if (this.ownerT === cur) return 0; // handed off by unlock()
        if (r === -Errno.ETIMEDOUT) return r;
        // -EINTR: mutexes are not interruptible (POSIX); wait again
      }
    } finally {
      // Timed out, or killed while waiting: the owner may no longer need its boost.
      if (this.waiters.delete(cur) && this.basePrio !== null) {
        this.unboost();
        this.boost();
      }
    }
  }
}
