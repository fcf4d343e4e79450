// The scheduler front end (uksched core): thread table, dispatch, blocking, timers, idle, preemption
// and statistics, shared by every policy. DESIGN.md §4. Longer than most files because the switch
// path is one invariant: exactly one thread runs; it leaves the CPU only inside block/yield/finish.
import { Errno, RkError } from '@runikraft/errno';
import type { RkPlat, RkPlatLcpu, RkPlatTime } from '@runikraft/rkplat';
import type {
  RkSched,
  RkSchedStats,
  RkThread,
  RkThreadAttr,
  RkThreadFn,
  RkTlsKey,
  RkWaitQueue,
} from './api';
import type { RkPolicyThread, RkSchedPolicy } from './impl';
import { SchedPeriodic } from './periodic';
import { SmpSched } from './smp';
import { RkThreadExit, ThreadImpl } from './thread';
import { threadOf } from './thread-view';
import { RkTimer, RkTimerQueue } from './timer-queue';
import { validateAttr } from './validate';
import { WaitQueueImpl } from './wait-queue';

/** Options of the front end (policy-independent). */
export interface RkSchedOptions {
  /** Name of the first thread runMain creates (default "main"). */
  readonly mainName?: string;
  /** Observer of every dispatch (`next` null = idle), for tracing and timelines. */
  readonly onSwitch?: (prev: RkThread | null, next: RkThread | null, now: number) => void;
  /**
   * Development watchdog: a thread that runs longer than this (ns of the platform clock) between
   * two preemption points is reported when it next reaches one (a host thread cannot be stopped
   * mid-function). 0 or absent: off.
   */
  readonly watchdogNs?: number;
  /** Receives watchdog reports; default: a line on the platform console naming thread and time. */
  readonly onWatchdog?: (thread: RkThread, ranNs: number) => void;
  /**
   * SMP: the policy instance (its own run queue) for CPU `cpu` ≥ 1. With it, on a platform with more
   * than one CPU and `lcpu.start`, the scheduler runs one core per CPU (smp.ts); without it, only the
   * boot CPU schedules threads.
   */
  readonly policyFor?: (cpu: number) => RkSchedPolicy;
}

/** By name: the machine's HartStopped comes from another realm. */
const isHartStopped = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'HartStopped';

/** Creates a scheduler front end driving `policy` on `plat` (one core per CPU with `opts.policyFor`). */
export function createSched(
  plat: RkPlat,
  policy: RkSchedPolicy,
  opts: RkSchedOptions = {},
): RkSched {
  const n = plat.lcpu.count();
  if (n > 1 && opts.policyFor && plat.lcpu.start && plat.lcpu.wakeup)
    return new SmpSched(plat, policy, opts.policyFor, opts);
  return new SchedCore(plat, policy, opts);
}

/** What the cores of an SMP scheduler share (smp.ts implements it). */
export interface SchedGroup {
  /** A thread id unique across the cores. */
  nextId(): number;
  /** The core of the CPU that runs now. */
  here(): SchedCore;
  /** The boot CPU's core (owns main and the runMain promise). */
  readonly root: SchedCore;
  /** The core that `t` should run on next (its pinned CPU), or null to stay where it is. */
  homeOf(t: ThreadImpl): SchedCore | null;
  /** Wakes the CPU of `core` if it is not the one running (an IPI). */
  kick(core: SchedCore): void;
  /** Stops every core (main returned or a thread crashed). */
  stopAll(): void;
}

export class SchedCore implements RkSched {
  readonly policy: string;
  cur: ThreadImpl | null = null;
  needResched = false;
  private readonly lcpu: RkPlatLcpu;
  private readonly time: RkPlatTime;
  private readonly timers = new RkTimerQueue();
  private platArmed = Number.POSITIVE_INFINITY;
  private readonly tickTimer = new RkTimer((now) => this.onTick(now));
  private tickAt = Number.POSITIVE_INFINITY;
  private readonly live = new Set<ThreadImpl>();
  private nextId = 1;
  /** SMP: the other cores and this core's CPU; null with one CPU. */
  group: SchedGroup | null = null;
  cpu = 0;
  private idleResolve: (() => void) | null = null;
  private mainThread: ThreadImpl | null = null;
  private mainDone: { resolve: (v: number) => void; reject: (e: unknown) => void } | null = null;
  private started = false;
  stopped = false;
  private hook: ((t: RkThread) => void) | null = null;
  private readonly periodic: SchedPeriodic;
  /** Watchdog bound (0 = off) and when the running thread last passed a preemption point. */
  private readonly wdNs: number;
  private runSince = 0;
  private readonly onWatchdog: (thread: RkThread, ranNs: number) => void;
  private readonly clock = () => this.time.monotonicNs();
  private readonly onTimeout = (t: ThreadImpl) => this.wake(t, t.wq ? -Errno.ETIMEDOUT : 0);
  private readonly onPlatTimer = () => {
    this.platArmed = Number.POSITIVE_INFINITY;
    this.timers.expire(this.time.monotonicNs());
    this.rearm();
  };
  private readonly st = {
    switches: 0,
    preemptions: 0,
    created: 0,
    idleHalts: 0,
    idleNs: 0,
    wakeups: 0,
    latCount: 0,
    latTotal: 0,
    latMax: 0,
    misses: 0,
  };

  constructor(
    plat: RkPlat,
    readonly pol: RkSchedPolicy,
    private readonly opts: RkSchedOptions,
  ) {
    this.policy = pol.name;
    this.lcpu = plat.lcpu;
    this.time = plat.time;
    this.periodic = new SchedPeriodic(this);
    const wd = opts.watchdogNs ?? 0;
    if (!(Number.isFinite(wd) && wd >= 0))
      throw new RkError(Errno.EINVAL, `rksched: watchdog bound ${wd} ns must be a number >= 0`);
    this.wdNs = wd;
    this.onWatchdog =
      opts.onWatchdog ??
      ((t, ns) =>
        void plat.console.out(
          `rksched watchdog: thread "${t.name}" (#${t.id}) ran ${(ns / 1e6).toFixed(3)} ms without reaching a preemption point (bound ${wd / 1e6} ms)\n`,
        ));
    this.installHaltGuard();
    pol.attach({
      now: () => this.time.monotonicNs(),
      running: () => this.cur,
      armTimer: (t, d) => this.armTimer(t, d),
      disarmTimer: (t) => this.disarmTimer(t),
      requestResched: () => {
        this.needResched = true;
      },
      unthrottle: (t) => this.unthrottle(t as ThreadImpl),
      noteMiss: (t) => this.noteMiss(t),
    });
  }

  now(): number {
    return this.time.monotonicNs();
  }

  // ---- timers -------------------------------------------------------------------------------
  armTimer(t: RkTimer, deadlineNs: number): void {
    this.timers.add(t, deadlineNs);
    if (deadlineNs < this.platArmed) {
      this.platArmed = deadlineNs;
      this.time.setTimer(deadlineNs, this.onPlatTimer);
    }
  }

  disarmTimer(t: RkTimer): boolean {
    return this.timers.remove(t); // the platform timer may fire early; onPlatTimer re-arms
  }

  private rearm(): void {
    const e = this.timers.earliest();
    if (e === this.platArmed) return;
    this.platArmed = e;
    if (e === Number.POSITIVE_INFINITY) this.time.cancelTimer();
    else this.time.setTimer(e, this.onPlatTimer);
  }

  private onTick(now: number): void {
    const t = this.cur;
    if (!t) return;
    if (now < this.tickAt) {
      this.armTimer(this.tickTimer, this.tickAt);
      return;
    }
    this.account(t, now);
    if (this.pol.onTick(t, now)) this.needResched = true;
    else this.armTick(t, now);
  }

  private armTick(t: ThreadImpl, now: number): void {
    // A tick due now would re-fire inside the same timer expiry loop: push it one ns later.
    const want = Math.max(this.pol.nextTick(t, now), now + 1);
    this.tickAt = want;
    if (want === Number.POSITIVE_INFINITY) return;
    if (!this.tickTimer.armed || this.tickTimer.deadline > want)
      this.armTimer(this.tickTimer, want);
  }

  // ---- thread life cycle ----------------------------------------------------------------------
  create<A extends unknown[]>(entry: RkThreadFn<A>, args: A, attr: RkThreadAttr = {}): RkThread {
    return this.createImpl(entry, args, attr).user;
  }

  /** Creates the thread on this core (SMP: the caller picked the core). */
  createImpl<A extends unknown[]>(entry: RkThreadFn<A>, args: A, attr: RkThreadAttr): ThreadImpl {
    if (this.stopped)
      throw new RkError(Errno.EINVAL, 'rksched: scheduler has stopped (main returned)');
    validateAttr(attr);
    if (!this.group && attr.cpu !== undefined && attr.cpu !== 0)
      throw new RkError(Errno.EINVAL, `rksched: cpu ${attr.cpu}: the scheduler runs on CPU 0 only`);
    const id = this.group ? this.group.nextId() : this.nextId++;
    const name = attr.name ?? (entry.name || `thread-${id}`);
    const t = new ThreadImpl(
      id,
      name,
      attr.prio ?? 0,
      attr.detached ?? false,
      this.onTimeout,
      this.clock,
    );
    const now = this.now();
    if (attr.rt) t.initRt(attr.rt, now);
    t.core = this;
    t.pin = attr.cpu ?? -1;
    this.pol.admit(t); // throws RkError EINVAL / EBUSY naming the reason
    this.live.add(t);
    this.st.created++;
    void this.start(t, entry, args);
    if (t.rt) this.periodic.firstRelease(t, now);
    else this.makeReady(t, 'new');
    return t;
  }

  spawn(
    name: string,
    entry: () => Promise<number | void> | number | void,
    attr: RkThreadAttr = {},
  ): RkThread {
    return this.create(entry, [], { ...attr, name });
  }

  private async start<A extends unknown[]>(
    t: ThreadImpl,
    entry: RkThreadFn<A>,
    args: A,
  ): Promise<void> {
    try {
      await new Promise<number>((res, rej) => {
        t.resolve = res;
        t.reject = rej;
      });
      const r = entry(...args);
      const v = r instanceof Promise ? await r : r; // a synchronous body costs no extra hop
      t.core.finish(t, typeof v === 'number' ? v : 0);
    } catch (e) {
      if (e instanceof RkThreadExit && e.thread === t) t.core.finish(t, e.value);
      else t.core.fail(e, t);
    }
  }

  finish(t: ThreadImpl, value: number): void {
    if (this.stopped) return;
    const now = this.now();
    if (this.wdNs > 0) this.watch(t, now);
    this.account(t, now);
    t.state = 'exited';
    t.exitValue = value;
    this.pol.onExit(t);
    this.periodic.onExit(t);
    if (t.joiners) t.joiners.wakeAll();
    if (t.detached) this.reap(t);
    const root = this.group?.root ?? this;
    if (t === root.mainThread) {
      this.stopAll();
      root.mainDone?.resolve(value);
      return;
    }
    this.switchAway(now);
  }

  private reap(t: ThreadImpl): void {
    t.reaped = true;
    t.core.live.delete(t);
  }

  /** A thread (or the idle loop) threw: every core stops and runMain rejects. */
  fail(e: unknown, t: ThreadImpl | null): void {
    if (this.group && this.group.root !== this) {
      this.group.root.fail(e, t);
      return;
    }
    if (this.stopped) return;
    this.stopAll();
    if (isHartStopped(e)) {
      this.mainDone?.reject(e);
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    const err = new Error(
      t ? `rksched: thread "${t.name}" (#${t.id}) crashed: ${msg}` : `rksched: idle: ${msg}`,
      { cause: e },
    );
    if (e instanceof Error && e.stack)
      err.stack = `${err.message}\n${e.stack.split('\n').slice(1).join('\n')}`;
    this.mainDone?.reject(err);
  }

  private stopAll(): void {
    if (this.group) this.group.stopAll();
    else this.stop();
  }

  /** Stops this core: no more dispatches, the idle loop ends. */
  stop(): void {
    this.stopped = true;
    this.cur = null;
    try {
      this.time.cancelTimer();
    } catch (e) {
      // After a power-off the timer write itself meets the stopped hart; the timer went with it.
      // Letting that escape would skip runMain's rejection and leave the thread's promise unhandled.
      if (!isHartStopped(e)) throw e;
    }
    this.platArmed = Number.POSITIVE_INFINITY;
    const r = this.idleResolve;
    this.idleResolve = null;
    r?.();
  }

  join(target: RkThread): Promise<number> {
    let t: ThreadImpl;
    try {
      t = threadOf(target);
      const cur = this.requireCurrent('join');
      if (t === cur)
        throw new RkError(Errno.EDEADLK, `rksched: thread "${t.name}" cannot join itself`);
      if (t.detached) throw new RkError(Errno.EINVAL, `rksched: thread "${t.name}" is detached`);
      if (t.reaped)
        throw new RkError(Errno.EINVAL, `rksched: thread "${t.name}" was already joined`);
    } catch (e) {
      return Promise.reject(e);
    }
    if (t.state !== 'exited') return this.joinSlow(t);
    this.reap(t);
    return Promise.resolve(t.exitValue ?? 0);
  }

  private async joinSlow(t: ThreadImpl): Promise<number> {
    while (t.state !== 'exited') {
      t.joiners ??= new WaitQueueImpl(this);
      await this.block(t.joiners, Number.POSITIVE_INFINITY, 'join');
    }
    if (t.reaped) throw new RkError(Errno.EINVAL, `rksched: thread "${t.name}" was already joined`);
    this.reap(t);
    return t.exitValue ?? 0;
  }

  exit(value = 0): never {
    throw new RkThreadExit(this.requireCurrent('exit'), value);
  }

  kill(target: RkThread, value = -Errno.EINTR): void {
    const t = threadOf(target);
    if (t.state === 'exited') return;
    // From the dispatch hook (signals) the thread is not on its own stack yet: defer, never throw.
    if (t === this.cur && !this.inHook) this.exit(value);
    t.pendingExit = value;
    if (t.state === 'blocked') this.wake(t, -Errno.EINTR);
  }

  // ---- switching ------------------------------------------------------------------------------
  /**
   * Parks the running thread on `wq` (or none) until woken or `deadline`. `op` names the caller in
   * errors, which reject (EPERM outside thread context, EINVAL for a NaN time), never throw.
   */
  block(wq: WaitQueueImpl | null, deadline: number, op: string): Promise<number> {
    const cur = this.cur;
    if (!cur) return Promise.reject(noThread(op));
    if (Number.isNaN(deadline))
      return Promise.reject(new RkError(Errno.EINVAL, `rksched: ${op}(): time is NaN`));
    if (cur.attention) this.runHook(cur);
    if (cur.intrPending) {
      cur.intrPending = false;
      return Promise.resolve(-Errno.EINTR);
    }
    if (cur.pendingExit !== undefined) this.exit(cur.pendingExit);
    const now = this.now();
    if (this.wdNs > 0) this.watch(cur, now);
    if (deadline <= now) return Promise.resolve(wq ? -Errno.ETIMEDOUT : 0);
    this.account(cur, now);
    cur.state = 'blocked';
    if (wq) wq.push(cur);
    if (deadline !== Number.POSITIVE_INFINITY) this.armTimer(cur.timer, deadline);
    this.pol.onBlock(cur);
    return this.park(cur, now);
  }

  /** Puts the running thread back in the run queue and runs the next one. */
  yield(): Promise<void> {
    return this.reschedule('yield');
  }

  private reschedule(reason: 'yield' | 'preempt'): Promise<void> {
    const cur = this.cur;
    if (!cur) return Promise.reject(noThread('yield'));
    if (cur.pendingExit !== undefined) this.exit(cur.pendingExit);
    this.needResched = false;
    const now = this.now();
    if (this.wdNs > 0) this.watch(cur, now);
    this.account(cur, now);
    cur.state = 'ready';
    const home = this.group?.homeOf(cur);
    if (home && home !== this) this.moveTo(cur, home);
    else this.pol.enqueue(cur, reason);
    return this.park(cur, now) as Promise<unknown> as Promise<void>;
  }

  /** Takes interrupts (a context switch is an interrupt window), then switches away from `cur`. */
  private park(cur: ThreadImpl, now: number): Promise<number> {
    const p = new Promise<number>((res, rej) => {
      cur.resolve = res;
      cur.reject = rej;
    });
    const host = this.lcpu.poll();
    if (host)
      host.then(
        () => this.switchAway(this.now()),
        (e) => this.fail(e, cur), // e.g. the machine powered off during the host turn
      );
    else this.switchAway(now);
    return p;
  }

  private switchAway(now: number): void {
    if (this.stopped) return;
    const next = this.pol.pickNext() as ThreadImpl | null;
    if (next) this.dispatch(next, now);
    else this.enterIdle();
  }

  private dispatch(t: ThreadImpl, now: number): void {
    if (this.cur !== t) {
      this.st.switches++;
      this.opts.onSwitch?.(this.cur?.user ?? null, t.user, now);
    }
    this.cur = t;
    t.state = 'running';
    t.dispatchedAt = now;
    this.runSince = now;
    t.dispatches++;
    if (t.wokenAt >= 0) {
      const lat = now - t.wokenAt;
      this.st.latCount++;
      this.st.latTotal += lat;
      if (lat > this.st.latMax) this.st.latMax = lat;
      t.wokenAt = -1;
    }
    this.armTick(t, now);
    if (t.attention) this.runHook(t);
    if (t.pendingExit !== undefined) t.reject(new RkThreadExit(t, t.pendingExit));
    else t.resolve(t.wakeReason);
  }

  /** Charges `t` the CPU time since it was dispatched (or last charged). */
  account(t: ThreadImpl, now: number): void {
    const d = now - t.dispatchedAt;
    t.cpuAcc += d;
    if (t.rt) t.rt.jobCpuNs += d;
    t.dispatchedAt = now;
  }

  /** Makes a blocked thread runnable with `reason` as its wait result. May run in IRQ context. */
  wake(t: ThreadImpl, reason: number): boolean {
    if (t.core !== this) return t.core.wake(t, reason);
    if (t.state !== 'blocked') return false;
    if (t.wq) t.wq.unlink(t);
    if (t.timer.armed) this.timers.remove(t.timer);
    t.wakeReason = reason;
    t.wokenAt = this.now();
    this.st.wakeups++;
    if (t.releasePending) {
      t.releasePending = false;
      this.pol.onRelease(t);
    }
    const home = this.group?.homeOf(t);
    if (home && home !== this) {
      t.state = 'ready';
      this.moveTo(t, home);
      return true;
    }
    this.makeReady(t, 'wake');
    this.group?.kick(this);
    return true;
  }

  makeReady(t: ThreadImpl, reason: 'new' | 'wake' | 'release'): void {
    t.state = 'ready';
    this.pol.enqueue(t, reason);
    const r = this.cur;
    if (r && r !== t && r.state === 'running' && this.pol.shouldPreempt(t, r))
      this.needResched = true;
  }

  /**
   * SMP: moves the ready (not queued) thread `t` from this core to `to`, whose policy admits it and
   * queues it; `to`'s CPU gets an IPI. A refused admission keeps `t` here.
   */
  moveTo(t: ThreadImpl, to: SchedCore): void {
    this.pol.onExit(t);
    try {
      to.pol.admit(t);
    } catch {
      this.pol.admit(t); // `to` refused it (admission control): it stays here
      this.pol.enqueue(t, 'wake');
      return;
    }
    t.core = to;
    this.live.delete(t);
    to.live.add(t);
    to.makeReady(t, 'wake');
    this.group?.kick(to);
  }

  /** The core of the CPU that runs now (this one without SMP). */
  here(): SchedCore {
    return this.group ? this.group.here() : this;
  }

  /** Live threads of this core (SMP: the group lists every core's). */
  liveThreads(): Iterable<ThreadImpl> {
    return this.live;
  }

  /**
   * Installs this core's halt guard on the CPU that runs now (SMP: each core on its own CPU). A thread
   * that halts the CPU would stall every other thread there: only the idle loop may halt.
   */
  installHaltGuard(): void {
    this.lcpu.setHaltGuard?.((op) => {
      const t = this.cur;
      if (!t) return null;
      return new RkError(
        Errno.EPERM,
        `rksched: plat.lcpu.${op}() called from thread "${t.name}" (#${t.id}); a thread blocks through rksched (sleep, wait queues, waitPeriod), only the idle loop halts the CPU`,
      );
    });
  }

  /** A secondary CPU's scheduler: the idle loop, dispatching this core's threads until every core stops. */
  runSecondary(): Promise<void> {
    this.installHaltGuard();
    this.started = true;
    const idle = this.idleLoop().catch((e) => this.fail(e, null));
    this.enterIdle();
    return idle;
  }

  private unthrottle(t: ThreadImpl): void {
    if (t.state === 'ready' && t.rt?.throttled) {
      t.rt.throttled = false;
      this.makeReady(t, 'release');
    }
  }

  // ---- idle -----------------------------------------------------------------------------------
  private enterIdle(): void {
    if (this.cur) this.opts.onSwitch?.(this.cur.user, null, this.now());
    this.cur = null;
    this.disarmTimer(this.tickTimer);
    const r = this.idleResolve;
    this.idleResolve = null;
    r?.();
  }

  private async idleLoop(): Promise<void> {
    for (;;) {
      await new Promise<void>((r) => {
        this.idleResolve = r;
      });
      for (;;) {
        if (this.stopped) return;
        const next = this.pol.pickNext() as ThreadImpl | null;
        if (next) {
          this.dispatch(next, this.now());
          break;
        }
        const dl = this.timers.earliest();
        const t0 = this.now();
        this.st.idleHalts++;
        if (dl === Number.POSITIVE_INFINITY) await this.lcpu.halt();
        else await this.lcpu.haltUntil(dl);
        const t1 = this.now();
        this.st.idleNs += t1 - t0;
        this.timers.expire(t1);
        this.rearm();
      }
    }
  }

  runMain(main: () => Promise<number>): Promise<number> {
    if (this.started)
      return Promise.reject(new RkError(Errno.EBUSY, 'rksched: runMain called twice'));
    this.started = true;
    return new Promise<number>((resolve, reject) => {
      this.mainDone = { resolve, reject };
      this.idleLoop().catch((e) => this.fail(e, null));
      this.mainThread = this.createImpl(main, [], { name: this.opts.mainName ?? 'main' });
      this.enterIdle();
    });
  }

  // ---- preemption, interrupts, hooks ------------------------------------------------------------
  preemptPoint(): Promise<void> | undefined {
    if (this.wdNs > 0 && this.cur) this.watch(this.cur, this.now());
    const host = this.lcpu.poll();
    if (host) return host.then(() => this.afterPoll());
    return this.afterPoll();
  }

  /** The preemption check every kernel entry runs (locks, mailboxes, non-blocking calls). */
  kernelEntry(): Promise<void> | undefined {
    return this.preemptPoint();
  }

  private afterPoll(): Promise<void> | undefined {
    const cur = this.cur;
    if (!cur) return undefined;
    if (this.wdNs > 0) this.runSince = this.now(); // a host turn or another hart's run is not this thread's
    if (cur.attention) this.runHook(cur);
    if (cur.pendingExit !== undefined) this.exit(cur.pendingExit);
    if (cur.rt?.aborted) return Promise.reject(this.periodic.abortError(cur));
    if (!this.needResched) return undefined;
    this.st.preemptions++;
    return this.reschedule('preempt');
  }

  /** The watchdog check at a preemption point of `t`: reports a run past the bound, restarts it. */
  private watch(t: ThreadImpl, now: number): void {
    const ran = now - this.runSince;
    this.runSince = now;
    if (ran > this.wdNs) this.onWatchdog(t.user, ran);
  }

  interrupt(target: RkThread): boolean {
    const t = threadOf(target);
    if (t.state === 'blocked') return this.wake(t, -Errno.EINTR);
    if (t.state !== 'exited') t.intrPending = true;
    return false;
  }

  setDispatchHook(hook: ((t: RkThread) => void) | null): void {
    this.hook = hook;
  }

  requestAttention(t: RkThread): void {
    threadOf(t).attention = true;
  }

  private inHook = false;
  private runHook(t: ThreadImpl): void {
    t.attention = false;
    this.inHook = true;
    try {
      this.hook?.(t.user);
    } finally {
      this.inHook = false;
    }
  }

  // ---- misc API -------------------------------------------------------------------------------
  sleep(ns: number): Promise<number> {
    return this.block(null, this.now() + Math.max(0, ns), 'sleep');
  }

  sleepUntil(deadlineNs: number): Promise<number> {
    return this.block(null, deadlineNs, 'sleepUntil');
  }

  waitPeriod(): Promise<number> {
    const cur = this.cur;
    if (!cur) return Promise.reject(noThread('waitPeriod'));
    return this.periodic.waitPeriod(cur);
  }

  activate(t: RkThread): void {
    this.periodic.activate(threadOf(t));
  }

  noteMiss(t: RkPolicyThread): void {
    const rt = t.rt;
    if (!rt || rt.missed) return;
    rt.missed = true;
    rt.misses++;
    this.st.misses++;
  }

  current(): RkThread {
    return this.requireCurrent('current').user;
  }

  currentOrNull(): RkThread | null {
    return this.cur?.user ?? null;
  }

  requireCurrent(op: string): ThreadImpl {
    const t = this.cur;
    if (!t) throw noThread(op);
    return t;
  }

  setPrio(target: RkThread, prio: number): void {
    const t = threadOf(target);
    validateAttr({ prio });
    if (t.state === 'ready') this.pol.dequeue(t);
    const lowered = prio < t.prio;
    t.prio = prio;
    this.pol.onPrioChange(t, prio);
    if (t.state === 'ready') this.makeReady(t, 'wake');
    else if (t === this.cur && lowered) this.needResched = true;
  }

  setAffinity(target: RkThread, cpu: number): void {
    const t = threadOf(target);
    if (this.group) {
      this.group.root === this ? badCpu(cpu, 1) : this.group.root.setAffinity(target, cpu);
      return;
    }
    if (cpu !== -1 && cpu !== 0) badCpu(cpu, 1);
    t.pin = cpu;
  }

  cpuOf(target: RkThread): number {
    return threadOf(target).core.cpu;
  }

  waitQueue(): RkWaitQueue {
    return new WaitQueueImpl(this);
  }

  tlsKey<T>(init: () => T): RkTlsKey<T> {
    const core = this;
    const key: RkTlsKey<T> = {
      get(thread) {
        const t = thread ? threadOf(thread) : core.here().requireCurrent('tlsKey.get');
        if (!t.tls.has(key)) t.tls.set(key, init());
        return t.tls.get(key) as T;
      },
      set(value, thread) {
        (thread ? threadOf(thread) : core.here().requireCurrent('tlsKey.set')).tls.set(key, value);
      },
    };
    return key;
  }

  threads(): readonly RkThread[] {
    return [...this.live].map((t) => t.user);
  }

  stats(): RkSchedStats {
    const s = this.st;
    return {
      policy: this.policy,
      switches: s.switches,
      preemptions: s.preemptions,
      threadsCreated: s.created,
      threadsLive: this.live.size,
      idleHalts: s.idleHalts,
      idleNs: s.idleNs,
      wakeups: s.wakeups,
      wakeLatency: { count: s.latCount, totalNs: s.latTotal, maxNs: s.latMax },
      deadlineMisses: s.misses,
    };
  }
}

/** The error of a thread-only call made from boot, IRQ or idle context. */
function noThread(op: string): RkError {
  return new RkError(Errno.EPERM, `rksched: ${op}() called outside thread context`);
}

/** Throws RkError EINVAL for a CPU index outside 0..n-1 (and not -1). */
export function badCpu(cpu: number, n: number): never {
  throw new RkError(Errno.EINVAL, `rksched: cpu ${cpu} does not exist (CPUs 0..${n - 1}, or -1)`);
}
