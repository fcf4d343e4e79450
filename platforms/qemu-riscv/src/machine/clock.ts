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
  /** Host time (ms) of ns 0: moved forward by the time the VM spent stopped. */
  private hostStartMs = performance.now();
  /** While the VM is stopped: the value the clock holds (host mode), else null. */
  private heldNs: number | null = null;
  private heldSinceMs = 0;
  /** No reading after a start is below the value held before it (float rounding of the shift). */
  private floorNs = 0;
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
    if (this.heldNs !== null) return this.heldNs;
    return Math.max(this.floorNs, Math.floor((performance.now() - this.hostStartMs) * 1e6));
  }

  /**
   * The VM stopped (`stop`, `-S`, a shutdown pause): like QEMU_CLOCK_VIRTUAL, the clock holds its value
   * until start(), so the guest sees no time pass while it could not run. A virtual clock already only
   * moves when the scheduler advances it.
   */
  stop(): void {
    if (this.mode === 'virtual' || this.heldNs !== null) return;
    this.heldNs = this.nowNs();
    this.heldSinceMs = performance.now();
  }

  /** The VM runs again: the clock continues from the value it held. */
  start(): void {
    if (this.heldNs === null) return;
    this.hostStartMs += performance.now() - this.heldSinceMs;
    this.floorNs = this.heldNs;
    this.heldNs = null;
  }

  /** Makes the clock manual (qtest), frozen where it is or at `atNs` (`-S`: the VM never ran, 0). */
  makeVirtual(atNs?: number): void {
    this.virtNs = atNs ?? this.nowNs();
    this.heldNs = null;
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
