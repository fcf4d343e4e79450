// A FIFO run queue for policies (Unikraft's UK_TAILQ of threads): intrusive through the thread's
// rq links, so push, pop and removal are O(1) and allocation-free.
import { Errno, RkError } from '@runikraft/errno';
import type { RkPolicyThread } from './impl';

export class RkRunQueue {
  private head: RkPolicyThread | null = null;
  private tail: RkPolicyThread | null = null;
  private n = 0;

  get length(): number {
    return this.n;
  }

  get first(): RkPolicyThread | null {
    return this.head;
  }

  has(t: RkPolicyThread): boolean {
    return t.rq === this;
  }

  pushBack(t: RkPolicyThread): void {
    if (t.rq) throw alreadyQueued(t);
    t.rq = this;
    t.rqNext = null;
    t.rqPrev = this.tail;
    if (this.tail) this.tail.rqNext = t;
    else this.head = t;
    this.tail = t;
    this.n++;
  }

  pushFront(t: RkPolicyThread): void {
    if (t.rq) throw alreadyQueued(t);
    t.rq = this;
    t.rqPrev = null;
    t.rqNext = this.head;
    if (this.head) this.head.rqPrev = t;
    else this.tail = t;
    this.head = t;
    this.n++;
  }

  popFront(): RkPolicyThread | null {
    const t = this.head;
    if (t) this.remove(t);
    return t;
  }

  /** Unlinks `t`; returns false if it is not in this queue. */
  remove(t: RkPolicyThread): boolean {
    if (t.rq !== this) return false;
    if (t.rqPrev) t.rqPrev.rqNext = t.rqNext;
    else this.head = t.rqNext;
    if (t.rqNext) t.rqNext.rqPrev = t.rqPrev;
    else this.tail = t.rqPrev;
    t.rq = t.rqPrev = t.rqNext = null;
    this.n--;
    return true;
  }

  *[Symbol.iterator](): IterableIterator<RkPolicyThread> {
    for (let t = this.head; t; t = t.rqNext) yield t;
  }
}

/** A policy bug: the thread is linked into a queue already (each thread is in at most one). */
function alreadyQueued(t: RkPolicyThread): RkError {
  return new RkError(Errno.EINVAL, `rksched: thread "${t.name}" is already in a run queue`);
}
