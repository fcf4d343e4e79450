// Periodic and sporadic job releases (the front-end half of real-time scheduling, any policy):
// job boundaries, releases on the clock or on activate(), deadline-miss accounting at completion.
import { Errno, RkError } from '@runikraft/errno';
import type { SchedCore } from './sched';
import type { ThreadImpl } from './thread';

export class SchedPeriodic {
  constructor(private readonly core: SchedCore) {}

  /** Called at creation: the first job is released now, at `phase`, or on activate() (sporadic). */
  firstRelease(t: ThreadImpl, now: number): void {
    const rt = t.rt!;
    if (rt.sporadic) {
      t.state = 'blocked';
      t.awaitingActivation = true;
      t.releasePending = true;
      return;
    }
    if (rt.release > now) {
      t.state = 'blocked';
      t.releasePending = true;
      this.core.armTimer(t.timer, rt.release);
      return;
    }
    this.core.pol.onRelease(t);
    this.core.makeReady(t, 'new');
  }

  /** Ends the current job of `t` (running) and waits for the next release. */
  async waitPeriod(t: ThreadImpl): Promise<number> {
    const rt = t.rt;
    if (!rt)
      throw new RkError(
        Errno.EINVAL,
        `rksched: thread "${t.name}" is not periodic (no rt attribute)`,
      );
    const now = this.core.now();
    this.core.account(t, now); // charge the finished job before its budget is reset
    let result = 0;
    if (rt.aborted || rt.missed || now > rt.absDeadline) {
      this.core.noteMiss(t);
      result = -Errno.ETIMEDOUT;
    }
    rt.jobs++;
    rt.aborted = false;
    rt.throttled = false;
    if (rt.sporadic) {
      if (t.activations > 0) {
        t.activations--;
        this.release(t, Math.max(now, rt.release + rt.period));
      } else {
        t.awaitingActivation = true;
        t.releasePending = true;
        const r = await this.core.block(null, Number.POSITIVE_INFINITY, 'waitPeriod');
        if (r < 0) {
          t.awaitingActivation = false; // interrupted: no job was released
          t.releasePending = false;
          return r;
        }
        return result;
      }
    } else {
      this.release(t, rt.release + rt.period);
    }
    if (rt.release > this.core.now()) {
      t.releasePending = true;
      const r = await this.core.block(null, rt.release, 'waitPeriod');
      if (t.releasePending) t.releasePending = false;
      return r < 0 ? r : result;
    }
    this.core.pol.onRelease(t);
    await this.core.yield();
    return result;
  }

  private release(t: ThreadImpl, at: number): void {
    const rt = t.rt!;
    rt.release = at;
    rt.absDeadline = at + rt.relDeadline;
    rt.jobCpuNs = 0;
    rt.missed = false;
  }

  /** Releases a sporadic job, respecting the minimum inter-arrival time (the period). */
  activate(t: ThreadImpl): void {
    const rt = t.rt;
    if (!rt?.sporadic)
      throw new RkError(Errno.EINVAL, `rksched: thread "${t.name}" is not sporadic`);
    if (t.state === 'exited') return;
    if (!t.awaitingActivation) {
      t.activations++;
      return;
    }
    t.awaitingActivation = false;
    const now = this.core.now();
    const first = rt.jobs === 0 && rt.jobCpuNs === 0 && t.dispatches === 0;
    this.release(t, first ? now : Math.max(now, rt.release + rt.period));
    if (rt.release > now) this.core.armTimer(t.timer, rt.release);
    else this.core.wake(t, 0);
  }

  onExit(t: ThreadImpl): void {
    t.awaitingActivation = false;
  }

  abortError(t: ThreadImpl): RkError {
    t.rt!.aborted = false;
    return new RkError(
      Errno.ETIMEDOUT,
      `rksched: job ${t.rt!.jobs} of "${t.name}" aborted at its deadline`,
    );
  }
}
