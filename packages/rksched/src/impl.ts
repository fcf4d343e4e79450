// The scheduler policy plug-in contract (counterpart of Unikraft's uk/sched_impl.h): what a
// policy package implements, and the host services the rksched front end offers it.
import type { RkThread } from './api';
import type { RkTimer } from './timer-queue';

export { RkRunQueue } from './run-queue';
export { createSched, type RkSchedOptions } from './sched';
export { RkTimer, RkTimerQueue } from './timer-queue';

/** Why a thread becomes runnable. */
export type RkEnqueueReason = 'new' | 'wake' | 'yield' | 'preempt' | 'release';

/** Services of the front end a policy may use. */
export interface RkPolicyHost {
  now(): number;
  /** The running thread, or null while idle. */
  running(): RkThread | null;
  armTimer(timer: RkTimer, deadlineNs: number): void;
  disarmTimer(timer: RkTimer): boolean;
  /** Marks the running thread for rescheduling at its next preemption point. */
  requestResched(): void;
  /** Makes a throttled (not queued, not blocked) thread runnable again through `enqueue`. */
  unthrottle(t: RkThread): void;
  /** Counts a deadline miss of `t`'s current job (once per job). */
  noteMiss(t: RkThread): void;
}

/**
 * A scheduling policy. The front end owns thread state; the policy owns the run queue of
 * `ready` threads. All calls happen with one thread running (or idle) and may come from IRQ context
 * (enqueue on wake-up), so they must be synchronous and bounded.
 */
export interface RkSchedPolicy {
  readonly name: string;
  /** Called once when the front end is created. */
  attach(host: RkPolicyHost): void;
  /** Checks a new thread's attributes; @returns 0, -EINVAL or -EBUSY (admission refused). */
  admit(t: RkThread): number;
  /** `t` became runnable: put it in the run queue. */
  enqueue(t: RkThread, reason: RkEnqueueReason): void;
  /** Removes a queued (ready) thread, e.g. on priority change or kill. */
  dequeue(t: RkThread): void;
  /** Removes and returns the thread to run next, or null when none is runnable. */
  pickNext(): RkThread | null;
  /** The running thread `t` is about to block. */
  onBlock(t: RkThread): void;
  /**
   * Timer tick for the running thread `t` (fires at {@link nextTick}). @returns true to preempt it.
   */
  onTick(t: RkThread, now: number): boolean;
  /** Absolute time of the next tick the policy needs while `t` runs (slice or budget end), or Infinity. */
  nextTick(t: RkThread, dispatchedAt: number): number;
  /** Should the newly runnable `woken` preempt `running`? */
  shouldPreempt(woken: RkThread, running: RkThread): boolean;
  /** A periodic/sporadic thread's new job was released (rt fields updated). */
  onRelease(t: RkThread): void;
  /** `t` exited (it is neither queued nor running any more). */
  onExit(t: RkThread): void;
  /** Priority of `t` changed (the front end dequeues/enqueues around this if it is ready). */
  onPrioChange(t: RkThread, prio: number): void;
  /** Policy-specific counters for stats/reports. */
  stats(): Record<string, number>;
}
