// The scheduler policy plug-in contract (counterpart of Unikraft's uk/sched_impl.h): what a
// policy package implements, and the host services the rksched front end offers it.
import type { RkRtState, RkThread, RkThreadState } from './api';
import type { RkTimer } from './timer-queue';

export { RkRunQueue } from './run-queue';
export { createSched, type RkSchedOptions } from './sched';
export { RkTimer, RkTimerQueue } from './timer-queue';

/** The real-time job state as the front end and the policy see it: {@link RkRtState}, writable. */
export type RkPolicyRt = { -readonly [K in keyof RkRtState]: RkRtState[K] };

/**
 * A thread as a policy sees it: the fields a scheduling decision reads, the policy's private slot
 * and the run-queue links (uk_thread's queue entry). Users never see this object: they hold the
 * read-only {@link RkThread} handle ({@link RkPolicyThread.user}).
 */
export interface RkPolicyThread {
  readonly id: number;
  readonly name: string;
  readonly state: RkThreadState;
  readonly prio: number;
  /** CPU time consumed, ns (including the running slice). */
  readonly cpuNs: number;
  readonly dispatches: number;
  /** Real-time job state, null for a best-effort thread; the policy may update it. */
  readonly rt: RkPolicyRt | null;
  /** The user-facing handle of this thread (what `create`/`current` return). */
  readonly user: RkThread;
  /** Private slot for the scheduling policy. */
  policyData: unknown;
  /** Run-queue links owned by the policy; see RkRunQueue. */
  rqPrev: RkPolicyThread | null;
  rqNext: RkPolicyThread | null;
  rq: object | null;
}

/** Why a thread becomes runnable. */
export type RkEnqueueReason = 'new' | 'wake' | 'yield' | 'preempt' | 'release';

/** Services of the front end a policy may use. */
export interface RkPolicyHost {
  now(): number;
  /** The running thread, or null while idle. */
  running(): RkPolicyThread | null;
  armTimer(timer: RkTimer, deadlineNs: number): void;
  disarmTimer(timer: RkTimer): boolean;
  /** Marks the running thread for rescheduling at its next preemption point. */
  requestResched(): void;
  /** Makes a throttled (not queued, not blocked) thread runnable again through `enqueue`. */
  unthrottle(t: RkPolicyThread): void;
  /** Counts a deadline miss of `t`'s current job (once per job). */
  noteMiss(t: RkPolicyThread): void;
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
  /**
   * Checks a new thread's attributes and admits it (sets up `policyData`).
   * @throws RkError EINVAL (attributes the policy cannot serve) or EBUSY (admission refused), with a
   * message naming the thread and the reason; the front end lets it propagate out of `create`.
   */
  admit(t: RkPolicyThread): void;
  /** `t` became runnable: put it in the run queue. */
  enqueue(t: RkPolicyThread, reason: RkEnqueueReason): void;
  /** Removes a queued (ready) thread, e.g. on priority change or kill. */
  dequeue(t: RkPolicyThread): void;
  /** Removes and returns the thread to run next, or null when none is runnable. */
  pickNext(): RkPolicyThread | null;
  /** The running thread `t` is about to block. */
  onBlock(t: RkPolicyThread): void;
  /**
   * Timer tick for the running thread `t` (fires at {@link nextTick}). @returns true to preempt it.
   */
  onTick(t: RkPolicyThread, now: number): boolean;
  /** Absolute time of the next tick the policy needs while `t` runs (slice or budget end), or Infinity. */
  nextTick(t: RkPolicyThread, dispatchedAt: number): number;
  /** Should the newly runnable `woken` preempt `running`? */
  shouldPreempt(woken: RkPolicyThread, running: RkPolicyThread): boolean;
  /** A periodic/sporadic thread's new job was released (rt fields updated). */
  onRelease(t: RkPolicyThread): void;
  /** `t` exited (it is neither queued nor running any more). */
  onExit(t: RkPolicyThread): void;
  /** Priority of `t` changed (the front end dequeues/enqueues around this if it is ready). */
  onPrioChange(t: RkPolicyThread, prio: number): void;
  /** Policy-specific counters for stats/reports. */
  stats(): Record<string, number>;
}
