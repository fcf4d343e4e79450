// Bounded mailbox (ukmpi's uk_mbox): a FIFO of message references with blocking, try and timed
// post/receive. Posting from IRQ context uses tryPost (never parks).
import { Errno, RkError } from '@runikraft/errno';
import type { RkSched, RkWaitQueue } from '@runikraft/rksched';

const OK: Promise<number> = Promise.resolve(0);

/** Result of a receive: a message or a negative errno. */
export type RkMboxResult<T> = { ok: true; msg: T } | { ok: false; errno: number };

export class RkMbox<T> {
  private readonly buf: (T | undefined)[];
  private head = 0;
  private n = 0;
  private readonly notFull: RkWaitQueue;
  private readonly notEmpty: RkWaitQueue;

  constructor(
    private readonly sched: RkSched,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RkError(Errno.EINVAL, `rkmbox: capacity ${capacity} must be a positive integer`);
    this.buf = new Array(capacity);
    this.notFull = sched.waitQueue();
    this.notEmpty = sched.waitQueue();
  }

  get length(): number {
    return this.n;
  }

  /** Posts `msg`, waiting for room (or `timeoutNs`). @returns 0, -ETIMEDOUT or -EINTR. Parks the caller. */
  post(msg: T, timeoutNs?: number): Promise<number> {
    if (this.n < this.capacity) {
      this.put(msg); // fast path: no extra promise hop; still a kernel entry (preemption point)
      const p = this.sched.preemptPoint();
      return p ? p.then(() => 0) : OK;
    }
    return this.postSlow(msg, timeoutNs);
  }

  private async postSlow(msg: T, timeoutNs?: number): Promise<number> {
    const r = await this.notFull.waitEvent(() => this.n < this.capacity, timeoutNs);
    if (r !== 0) return r;
    this.put(msg);
    return 0;
  }

  /** Posts if there is room. @returns 0 or -EAGAIN. Never parks; may run in IRQ context. */
  tryPost(msg: T): number {
    if (this.n === this.capacity) return -Errno.EAGAIN;
    this.put(msg);
    return 0;
  }

  /** Receives the oldest message, waiting for one (or `timeoutNs`). Parks the caller. */
  recv(timeoutNs?: number): Promise<RkMboxResult<T>> {
    if (this.n > 0) {
      const res: RkMboxResult<T> = { ok: true, msg: this.take() };
      const p = this.sched.preemptPoint();
      return p ? p.then(() => res) : Promise.resolve(res);
    }
    return this.recvSlow(timeoutNs);
  }

  private async recvSlow(timeoutNs?: number): Promise<RkMboxResult<T>> {
    const r = await this.notEmpty.waitEvent(() => this.n > 0, timeoutNs);
    if (r !== 0) return { ok: false, errno: -r };
    return { ok: true, msg: this.take() };
  }

  /** Receives if a message is waiting. Never parks; may run in IRQ context. */
  tryRecv(): RkMboxResult<T> {
    if (this.n === 0) return { ok: false, errno: Errno.EAGAIN };
    return { ok: true, msg: this.take() };
  }

  private put(msg: T): void {
    this.buf[(this.head + this.n) % this.capacity] = msg;
    this.n++;
    this.notEmpty.wakeOne();
  }

  private take(): T {
    const m = this.buf[this.head] as T;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.n--;
    this.notFull.wakeOne();
    return m;
  }
}
