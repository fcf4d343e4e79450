// One-shot and periodic kernel timers (timer_create/timer_settime, uktimer): a callback in IRQ
// context and/or threads parked in wait() until the next expiry, with overrun counting.
import { Errno } from '@runikraft/errno';
import type { RkSched, RkWaitQueue } from '@runikraft/rksched';
import { RkTimer } from '@runikraft/rksched/impl';

export class RkKernelTimer {
  private readonly t: RkTimer;
  private readonly wq: RkWaitQueue;
  private next = 0;
  private period = 0;
  /** Expirations not yet consumed by wait() (timer_getoverrun + 1). */
  private unseen = 0;
  /** Total expirations. */
  expirations = 0;

  constructor(
    private readonly sched: RkSched,
    private readonly onExpire?: (timer: RkKernelTimer) => void,
  ) {
    this.t = new RkTimer((now) => this.fire(now));
    this.wq = sched.waitQueue();
  }

  get armed(): boolean {
    return this.t.armed;
  }

  /** Arms the timer to expire after `firstNs`, then every `periodNs` (0 = one-shot). @returns 0 or -EINVAL. */
  arm(firstNs: number, periodNs = 0): number {
    if (!(firstNs >= 0) || !(periodNs >= 0)) return -Errno.EINVAL;
    this.period = periodNs;
    this.next = this.sched.now() + firstNs;
    this.sched.armTimer(this.t, this.next);
    return 0;
  }

  disarm(): void {
    this.sched.disarmTimer(this.t);
    this.period = 0;
  }

  /**
   * Waits for the next expiry (or returns at once if some were missed).
   * @returns the number of expirations consumed (≥ 1), -ETIMEDOUT or -EINTR. Parks the caller.
   */
  async wait(timeoutNs?: number): Promise<number> {
    const r = await this.wq.waitEvent(() => this.unseen > 0, timeoutNs);
    if (r < 0) return r;
    const n = this.unseen;
    this.unseen = 0;
    return n;
  }

  private fire(now: number): void {
    let n = 1;
    if (this.period > 0) {
      // Skip whole periods that passed (overruns) so the timer never fires in a burst.
      const late = now - this.next;
      const skipped = Math.floor(late / this.period);
      n += skipped;
      this.next += (skipped + 1) * this.period;
      this.sched.armTimer(this.t, this.next);
    }
    this.expirations += n;
    this.unseen += n;
    this.wq.wakeAll();
    this.onExpire?.(this);
  }
}
