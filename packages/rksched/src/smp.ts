// The SMP scheduler (DESIGN.md §4: one scheduler per hart): one SchedCore per CPU, each with its own
// policy instance (run queue), timers and idle loop; calls act on the core of the CPU that runs now,
// wake-ups go to the thread's core and IPI its CPU; threads are placed, pinned and migrated here.
import { Errno } from '@runikraft/errno';
import type { RkPlat, RkPlatLcpu } from '@runikraft/rkplat';
import type {
  RkSched,
  RkSchedStats,
  RkThread,
  RkThreadAttr,
  RkThreadFn,
  RkTlsKey,
  RkWaitQueue,
} from './api';
import type { RkSchedPolicy } from './impl';
import { badCpu, type RkSchedOptions, SchedCore, type SchedGroup } from './sched';
import type { ThreadImpl } from './thread';
import { threadOf } from './thread-view';
import type { RkTimer } from './timer-queue';

export class SmpSched implements RkSched, SchedGroup {
  readonly policy: string;
  readonly cores: SchedCore[];
  readonly root: SchedCore;
  private readonly lcpu: RkPlatLcpu;
  private ids = 1;

  constructor(
    private readonly plat: RkPlat,
    policy: RkSchedPolicy,
    policyFor: (cpu: number) => RkSchedPolicy,
    opts: RkSchedOptions,
  ) {
    this.lcpu = plat.lcpu;
    const n = plat.lcpu.count();
    this.cores = [];
    for (let cpu = 0; cpu < n; cpu++) {
      const core = new SchedCore(plat, cpu === 0 ? policy : policyFor(cpu), opts);
      core.group = this;
      core.cpu = cpu;
      this.cores.push(core);
    }
    this.root = this.cores[0]!;
    this.root.installHaltGuard(); // every core's constructor ran on the boot CPU: the boot core's guard wins
    this.policy = this.root.policy;
  }

  // ---- SchedGroup ------------------------------------------------------------------------------
  nextId(): number {
    return this.ids++;
  }

  here(): SchedCore {
    return this.cores[this.lcpu.id()] ?? this.root;
  }

  homeOf(t: ThreadImpl): SchedCore | null {
    return t.pin >= 0 ? (this.cores[t.pin] ?? null) : null;
  }

  kick(core: SchedCore): void {
    if (core.cpu !== this.lcpu.id()) this.lcpu.wakeup?.(core.cpu);
  }

  stopAll(): void {
    for (const c of this.cores) c.stop();
  }

  // ---- placement and migration -------------------------------------------------------------------
  private coreFor(attr: RkThreadAttr): SchedCore {
    if (attr.cpu !== undefined) {
      const c = this.cores[attr.cpu];
      if (!c) badCpu(attr.cpu, this.cores.length);
      return c;
    }
    let best = this.root;
    let load = Number.POSITIVE_INFINITY;
    for (const c of this.cores) {
      if (c.stopped) continue; // a CPU that did not start
      let n = 0;
      for (const t of c.liveThreads()) if (t.state !== 'exited') n++;
      if (n < load) {
        best = c;
        load = n;
      }
    }
    return best;
  }

  create<A extends unknown[]>(entry: RkThreadFn<A>, args: A, attr: RkThreadAttr = {}): RkThread {
    const core = this.coreFor(attr);
    const t = core.createImpl(entry, args, attr);
    this.kick(core);
    return t.user;
  }

  spawn(
    name: string,
    entry: () => Promise<number | void> | number | void,
    attr: RkThreadAttr = {},
  ): RkThread {
    return this.create(entry, [], { ...attr, name });
  }

  setAffinity(target: RkThread, cpu: number): void {
    const t = threadOf(target);
    if (cpu === -1) {
      t.pin = -1;
      return;
    }
    const to = Number.isInteger(cpu) ? this.cores[cpu] : undefined;
    if (!to) badCpu(cpu, this.cores.length);
    t.pin = cpu;
    const from = t.core;
    if (from === to || t.state === 'exited') return;
    if (t.state === 'ready' && !t.rt?.throttled) {
      from.pol.dequeue(t);
      from.moveTo(t, to);
    } else if (t.state === 'running') {
      from.needResched = true; // it moves at its next preemption point
      this.kick(from);
    }
  }

  cpuOf(target: RkThread): number {
    return threadOf(target).core.cpu;
  }

  // ---- the running CPU's core ------------------------------------------------------------------
  join(t: RkThread): Promise<number> {
    return this.here().join(t);
  }
  exit(value?: number): never {
    return this.here().exit(value);
  }
  kill(t: RkThread, value?: number): void {
    this.here().kill(t, value);
  }
  yield(): Promise<void> {
    return this.here().yield();
  }
  sleep(ns: number): Promise<number> {
    return this.here().sleep(ns);
  }
  sleepUntil(deadlineNs: number): Promise<number> {
    return this.here().sleepUntil(deadlineNs);
  }
  waitPeriod(): Promise<number> {
    return this.here().waitPeriod();
  }
  activate(t: RkThread): void {
    threadOf(t).core.activate(t);
  }
  preemptPoint(): Promise<void> | undefined {
    return this.here().preemptPoint();
  }
  current(): RkThread {
    return this.here().current();
  }
  currentOrNull(): RkThread | null {
    return this.here().currentOrNull();
  }
  setPrio(t: RkThread, prio: number): void {
    threadOf(t).core.setPrio(t, prio);
  }
  interrupt(t: RkThread): boolean {
    return this.here().interrupt(t);
  }
  waitQueue(): RkWaitQueue {
    return this.here().waitQueue();
  }
  tlsKey<T>(init: () => T): RkTlsKey<T> {
    return this.root.tlsKey(init);
  }
  armTimer(timer: RkTimer, deadlineNs: number): void {
    this.here().armTimer(timer, deadlineNs);
  }
  disarmTimer(timer: RkTimer): boolean {
    for (const c of this.cores) if (c.disarmTimer(timer)) return true;
    return false;
  }
  now(): number {
    return this.plat.time.monotonicNs();
  }
  setDispatchHook(hook: ((t: RkThread) => void) | null): void {
    for (const c of this.cores) c.setDispatchHook(hook);
  }
  requestAttention(t: RkThread): void {
    this.root.requestAttention(t);
  }
  threads(): readonly RkThread[] {
    return this.cores.flatMap((c) => [...c.liveThreads()].map((t) => t.user));
  }

  stats(): RkSchedStats {
    const all = this.cores.map((c) => c.stats());
    const sum = (f: (s: RkSchedStats) => number) => all.reduce((a, s) => a + f(s), 0);
    return {
      policy: this.policy,
      switches: sum((s) => s.switches),
      preemptions: sum((s) => s.preemptions),
      threadsCreated: sum((s) => s.threadsCreated),
      threadsLive: sum((s) => s.threadsLive),
      idleHalts: sum((s) => s.idleHalts),
      idleNs: sum((s) => s.idleNs),
      wakeups: sum((s) => s.wakeups),
      wakeLatency: {
        count: sum((s) => s.wakeLatency.count),
        totalNs: sum((s) => s.wakeLatency.totalNs),
        maxNs: Math.max(...all.map((s) => s.wakeLatency.maxNs)),
      },
      deadlineMisses: sum((s) => s.deadlineMisses),
    };
  }

  /** Runs main on the boot CPU and starts one scheduler core on every other CPU. */
  runMain(main: () => Promise<number>): Promise<number> {
    const done = this.root.runMain(main);
    for (const c of this.cores.slice(1)) {
      const r = this.lcpu.start?.(c.cpu, () => c.runSecondary()) ?? -Errno.EINVAL;
      if (r < 0) c.stop(); // that CPU stays down; threads placed on it never run, so keep none there
    }
    return done;
  }
}
