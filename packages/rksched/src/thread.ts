// The thread control block (uk_thread): front-end state of one async-function thread.
import type { RkRtAttr, RkThread, RkThreadState } from './api';
import type { RkPolicyRt, RkPolicyThread } from './impl';
import type { SchedCore } from './sched';
import { ThreadView } from './thread-view';
import { RkTimer } from './timer-queue';
import type { WaitQueueImpl } from './wait-queue';

/** Unwinding token thrown by `exit()`/`kill()`; caught by the thread wrapper. */
export class RkThreadExit {
  constructor(
    readonly thread: ThreadImpl,
    readonly value: number,
  ) {}
}

/** The control block; policies see it as an RkPolicyThread, users only through {@link user}. */
export class ThreadImpl implements RkPolicyThread {
  /** The read-only handle users hold. */
  readonly user: RkThread = new ThreadView(this);
  state: RkThreadState = 'ready';
  exitValue: number | undefined = undefined;
  /** CPU time charged up to `dispatchedAt` (see the cpuNs getter). */
  cpuAcc = 0;
  dispatches = 0;
  private tlsMap: Map<object, unknown> | null = null;
  /** Thread-local storage, created on first use (most threads never touch it). */
  get tls(): Map<object, unknown> {
    if (!this.tlsMap) this.tlsMap = new Map();
    return this.tlsMap;
  }
  policyData: unknown = undefined;
  rqPrev: RkPolicyThread | null = null;
  rqNext: RkPolicyThread | null = null;
  rq: object | null = null;
  rt: RkPolicyRt | null = null;
  /** Settles the promise the thread is parked on. */
  resolve: (reason: number) => void = noop;
  reject: (err: unknown) => void = noop;
  /** Value the park promise resolves with: 0, -ETIMEDOUT, -EINTR. */
  wakeReason = 0;
  wokenAt = -1;
  dispatchedAt = 0;
  /** Timeout / sleep timer. */
  readonly timer: RkTimer;
  /** Wait queue the thread is blocked on, and its links there. */
  wq: WaitQueueImpl | null = null;
  wqPrev: ThreadImpl | null = null;
  wqNext: ThreadImpl | null = null;
  /** Threads joining this one. */
  joiners: WaitQueueImpl | null = null;
  reaped = false;
  /** Exit value requested by kill(), delivered at next dispatch. */
  pendingExit: number | undefined = undefined;
  /** Run the dispatch hook when next dispatched (signals). */
  attention = false;
  /** Sporadic: waiting for activate(). */
  awaitingActivation = false;
  /** Interrupt requested while not blocked: the next interruptible wait returns -EINTR. */
  intrPending = false;
  /** A job release is due when this thread is next woken (policy.onRelease). */
  releasePending = false;
  activations = 0;
  /** The scheduler core (CPU) the thread belongs to; set at creation, changed by migration. */
  core!: SchedCore;
  /** The CPU the thread is pinned to, or -1 (stays where it was placed). */
  pin = -1;

  constructor(
    readonly id: number,
    readonly name: string,
    public prio: number,
    readonly detached: boolean,
    onTimeout: (t: ThreadImpl) => void,
    private readonly clock: () => number,
  ) {
    this.timer = new RkTimer(() => onTimeout(this));
  }

  /** CPU time consumed, including the running slice. */
  get cpuNs(): number {
    return this.state === 'running'
      ? this.cpuAcc + (this.clock() - this.dispatchedAt)
      : this.cpuAcc;
  }

  initRt(a: RkRtAttr, now: number): void {
    const release = now + (a.phase ?? 0);
    const relDeadline = a.deadline ?? a.period;
    this.rt = {
      period: a.period,
      relDeadline,
      budget: a.budget ?? Number.POSITIVE_INFINITY, // none declared: the policy decides
      sporadic: a.sporadic ?? false,
      release,
      absDeadline: release + relDeadline,
      jobCpuNs: 0,
      jobs: 0,
      misses: 0,
      missed: false,
      aborted: false,
      throttled: false,
    };
  }
}

function noop(): void {}
