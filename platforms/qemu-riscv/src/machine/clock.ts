// The machine's clock (QEMU_CLOCK_VIRTUAL, in ns since power-on) and its timer list (timer_mod/timer_del).
// `host` follows the host's monotonic clock; `virtual` advances only when every hart halts (DESIGN.md §4),
// jumping to the next deadline, so runs are reproducible.
import { performance } from 'node:perf_hooks';

export type ClockKind = 'host' | 'virtual';

/** One device timer; `fire` runs when the clock reaches `deadline` (ns). */
export class Timer {
  deadline = Number.POSITIVE_INFINITY;
  constructor(readonly fire: () => void) {}
}

export class MachineClock {
  private virtNs = 0;
  private readonly hostStartMs = performance.now();
  private readonly timers = new Set<Timer>();
  /** Called after a timer is armed, so that a host-side wait can be shortened. */
  onArm: (() => void) | null = null;

  constructor(private mode: ClockKind) {}

  get kind(): ClockKind {
    return this.mode;
  }

  /** ns since power-on (an integer). */
  nowNs(): number {
    if (this.mode === 'virtual') return this.virtNs;
    return Math.floor((performance.now() - this.hostStartMs) * 1e6);
  }

  /** Makes the clock manual (qtest), frozen where it is or at `atNs` (`-S`: the VM never ran, 0). */
  makeVirtual(atNs?: number): void {
    this.virtNs = atNs ?? this.nowNs();
    this.mode = 'virtual';
  }

  /** Moves a virtual clock forward to `ns` (never backwards); runs the timers that became due. */
  advanceTo(ns: number): void {
    if (this.mode !== 'virtual') throw new Error('advanceTo: the host clock cannot be stepped');
    if (ns > this.virtNs) this.virtNs = Math.floor(ns);
    this.runDue();
  }

  /** Arms `t` at absolute `deadlineNs` (replacing an earlier arming). */
  arm(t: Timer, deadlineNs: number): void {
    t.deadline = deadlineNs;
    this.timers.add(t);
    this.onArm?.();
  }

  cancel(t: Timer): void {
    t.deadline = Number.POSITIVE_INFINITY;
    this.timers.delete(t);
  }

  /** The earliest armed deadline, or +Infinity. */
  nextDeadline(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const t of this.timers) if (t.deadline < min) min = t.deadline;
    return min;
  }

  /** Fires every timer whose deadline has passed, earliest first (a callback may re-arm). */
  runDue(): void {
    for (let guard = 0; guard < 10_000; guard++) {
      if (this.timers.size === 0) return;
      const now = this.nowNs();
      let due: Timer | null = null;
      for (const t of this.timers)
        if (t.deadline <= now && (!due || t.deadline < due.deadline)) due = t;
      if (!due) return;
      this.timers.delete(due);
      due.deadline = Number.POSITIVE_INFINITY;
      due.fire();
    }
  }

  /** Drops every timer (power-off). */
  clear(): void {
    for (const t of this.timers) t.deadline = Number.POSITIVE_INFINITY;
    this.timers.clear();
  }
}
