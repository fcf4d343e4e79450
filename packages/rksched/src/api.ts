// The scheduler API (counterpart of Unikraft's uk/sched.h, uk/thread.h, uk/wait.h): threads, wait
// queues, sleep, periodic real-time jobs, preemption points and statistics. DESIGN.md §4.
// Errors (README "Errors"): how a wait ended (0, -ETIMEDOUT, -EINTR) is a result; every failure is
// an RkError carrying the errno — thrown by synchronous calls, the rejection of promise-returning ones.
import type { RkTimer } from './timer-queue';

/** Life cycle of a thread. */
export type RkThreadState = 'ready' | 'running' | 'blocked' | 'exited';

/** A thread body: an async function; its return value (default 0) is the exit value. */
export type RkThreadFn<A extends unknown[] = []> = (
  ...args: A
) => Promise<number | void> | number | void;

/** Real-time parameters (ns). A thread with `period` is periodic (or sporadic). */
export interface RkRtAttr {
  /** Release period, or minimum inter-arrival time for a sporadic thread. */
  readonly period: number;
  /** Relative deadline (default: the period). */
  readonly deadline?: number;
  /**
   * CPU budget per job (worst-case execution time); policies may reserve and enforce it. Default:
   * none (Infinity in {@link RkRtState.budget}); EDF then schedules the thread without a reservation.
   */
  readonly budget?: number;
  /** Offset of the first release from creation (default 0). */
  readonly phase?: number;
  /** Sporadic: a job is released by {@link RkSched.activate}, not by the clock. */
  readonly sporadic?: boolean;
}

/** Attributes of a new thread (uk_thread_attr). */
export interface RkThreadAttr {
  readonly name?: string;
  /** Priority, higher runs first where the policy has priorities (POSIX convention). Default 0. */
  readonly prio?: number;
  /** A detached thread is reaped at exit and cannot be joined. */
  readonly detached?: boolean;
  readonly rt?: RkRtAttr;
  /**
   * SMP: pins the thread to CPU `cpu` (0 = the boot CPU). Default: placed on the CPU with the fewest
   * live threads, where it stays unless moved with {@link RkSched.setAffinity}.
   */
  readonly cpu?: number;
}

/**
 * Live real-time job state of a periodic/sporadic thread, as users see it (read-only; the policy
 * and the front end update it through their own view, `RkPolicyRt` in `@runikraft/rksched/impl`).
 */
export interface RkRtState {
  readonly period: number;
  readonly relDeadline: number;
  /** Budget per job; Infinity when the thread declared none. */
  readonly budget: number;
  readonly sporadic: boolean;
  /** Release time and absolute deadline of the current job. */
  readonly release: number;
  readonly absDeadline: number;
  /** CPU time used by the current job. */
  readonly jobCpuNs: number;
  /** Jobs completed, and deadlines missed (by any policy: counted at completion or by a watchdog). */
  readonly jobs: number;
  readonly misses: number;
  /** True once the current job's miss was counted. */
  readonly missed: boolean;
  /** Set by a policy that aborts a job: the thread's next preemption point throws. */
  readonly aborted: boolean;
  /** Set by a policy that throttles a thread whose budget ran out. */
  readonly throttled: boolean;
}

/**
 * A thread as users see it: a frozen, read-only handle. Run-queue links and policy data are not
 * part of it; policies see the same thread as an `RkPolicyThread` (`@runikraft/rksched/impl`).
 */
export interface RkThread {
  readonly id: number;
  readonly name: string;
  readonly state: RkThreadState;
  readonly prio: number;
  readonly detached: boolean;
  /** Exit value once exited. */
  readonly exitValue: number | undefined;
  /** CPU time consumed, ns (platform clock). */
  readonly cpuNs: number;
  /** Times the thread was dispatched. */
  readonly dispatches: number;
  /** Real-time state, null for a best-effort thread. */
  readonly rt: RkRtState | null;
}

/** A per-thread variable. */
export interface RkTlsKey<T> {
  get(thread?: RkThread): T;
  set(value: T, thread?: RkThread): void;
}

/** A wait queue (uk_waitq): the primitive every blocking API builds on. */
export interface RkWaitQueue {
  /** Threads waiting. */
  readonly length: number;
  /**
   * Parks the calling thread until woken, or `timeoutNs` elapses, or it is interrupted.
   * @returns 0 when woken, -ETIMEDOUT, or -EINTR (signal / interrupt). Rejects with RkError EPERM
   * outside thread context, EINVAL for a NaN timeout. Parks the caller.
   */
  wait(timeoutNs?: number): Promise<number>;
  /** As {@link wait} with an absolute monotonic deadline. */
  waitUntil(deadlineNs: number): Promise<number>;
  /**
   * Parks until `cond()` is true (checked before parking and after each wake-up) — the race-free
   * form: no wake-up between the check and the park is lost because only one thread runs.
   * @returns 0, -ETIMEDOUT (overall timeout), or -EINTR.
   */
  waitEvent(cond: () => boolean, timeoutNs?: number): Promise<number>;
  /** Wakes the longest waiter; returns it or null. May run in IRQ context. */
  wakeOne(): RkThread | null;
  /** Wakes every waiter; returns the count. May run in IRQ context. */
  wakeAll(): number;
}

/** Scheduler statistics (uk_sched stats), cumulative since creation. */
export interface RkSchedStats {
  readonly policy: string;
  readonly switches: number;
  readonly preemptions: number;
  readonly threadsCreated: number;
  readonly threadsLive: number;
  readonly idleHalts: number;
  readonly idleNs: number;
  readonly wakeups: number;
  /** Time from wake-up to dispatch. */
  readonly wakeLatency: {
    readonly count: number;
    readonly totalNs: number;
    readonly maxNs: number;
  };
  readonly deadlineMisses: number;
}

/** The scheduler API (registered as `rksched`). */
export interface RkSched {
  /** Policy name ("rr", "edf", "mlq", ...). */
  readonly policy: string;
  /**
   * Creates a runnable thread. Throws RkError EINVAL for bad attributes, EBUSY when the policy's
   * admission control refuses it.
   */
  create<A extends unknown[]>(entry: RkThreadFn<A>, args: A, attr?: RkThreadAttr): RkThread;
  /** Convenience: create with no arguments. */
  spawn(
    name: string,
    entry: () => Promise<number | void> | number | void,
    attr?: RkThreadAttr,
  ): RkThread;
  /**
   * Waits for `t` to exit and reaps it. @returns its exit value. Rejects with RkError EINVAL
   * (detached or already reaped) or EDEADLK (self). Parks the caller.
   */
  join(t: RkThread): Promise<number>;
  /** Ends the calling thread with `value` (throws a private unwinding token; do not catch it). */
  exit(value?: number): never;
  /** Asks `t` to exit with `value` at its next dispatch (a cancellation point). */
  kill(t: RkThread, value?: number): void;
  /** Gives the CPU to the next runnable thread. Rejects with RkError EPERM outside thread context. Parks the caller. */
  yield(): Promise<void>;
  /**
   * Sleeps `ns` on the platform clock (a negative `ns` returns at once). @returns 0, or -EINTR.
   * Rejects with RkError EPERM outside thread context, EINVAL for NaN. Parks the caller.
   */
  sleep(ns: number): Promise<number>;
  /** Sleeps until monotonic `deadlineNs`. @returns 0, or -EINTR; rejects as {@link sleep}. */
  sleepUntil(deadlineNs: number): Promise<number>;
  /**
   * Ends the current job of a periodic/sporadic thread and waits for the next release.
   * @returns 0, -ETIMEDOUT (this job missed its deadline), or -EINTR. Rejects with RkError EINVAL
   * (not a periodic thread) or EPERM (outside thread context).
   */
  waitPeriod(): Promise<number>;
  /** Releases a job of sporadic thread `t` (no earlier than one period after the previous). Throws RkError EINVAL if `t` is not sporadic. */
  activate(t: RkThread): void;
  /**
   * Preemption point for long computations: takes pending interrupts and switches if the slice
   * ended. Returns undefined when nothing is due (cheap), else a promise to await.
   */
  preemptPoint(): Promise<void> | undefined;
  /** The running thread (throws outside thread context). */
  current(): RkThread;
  /** The running thread, or null (boot, IRQ or idle context). */
  currentOrNull(): RkThread | null;
  /** Changes a thread's priority (the policy re-queues it). */
  setPrio(t: RkThread, prio: number): void;
  /** Wakes `t` with -EINTR if it is in an interruptible wait; returns whether it was. */
  interrupt(t: RkThread): boolean;
  /**
   * Pins `t` to CPU `cpu` (-1 unpins; it then stays where it is): a ready thread moves at once, the
   * running one at its next preemption point, a blocked one when it is woken (thread migration).
   * Throws RkError EINVAL for a CPU that does not exist (with one CPU: anything but 0 and -1).
   */
  setAffinity(t: RkThread, cpu: number): void;
  /** The CPU `t` runs on, or last ran on / is queued on (0 without SMP). */
  cpuOf(t: RkThread): number;
  /** Creates a wait queue bound to this scheduler. */
  waitQueue(): RkWaitQueue;
  /** Creates a thread-local variable with an initial value. */
  tlsKey<T>(init: () => T): RkTlsKey<T>;
  /** Arms a kernel timer (IRQ context callback) at absolute `deadlineNs`; re-arming moves it. */
  armTimer(timer: RkTimer, deadlineNs: number): void;
  /** Disarms a kernel timer. */
  disarmTimer(timer: RkTimer): boolean;
  /** Monotonic platform time, ns. */
  now(): number;
  /** Installs the hook run when a thread with `attention` set is dispatched (rksignal). */
  setDispatchHook(hook: ((t: RkThread) => void) | null): void;
  /** Flags `t` so the dispatch hook runs next time it is dispatched. */
  requestAttention(t: RkThread): void;
  /** Live threads (not yet reaped). */
  threads(): readonly RkThread[];
  stats(): RkSchedStats;
  /**
   * Boot hook: runs `main` in its own thread and the scheduler until it returns; other threads are
   * then abandoned (as Unikraft on exit). @returns main's status; rejects if a thread throws.
   */
  runMain(main: () => Promise<number>): Promise<number>;
}
