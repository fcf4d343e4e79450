// When the host runs (DESIGN.md §4): host turns at poll() (≥1 ms apart), wfi wake-ups on the host clock,
// and the virtual clock's jumps to the next deadline once every started hart waits in wfi.
import { performance } from 'node:perf_hooks';
import { SBI_HSM_STATE_STARTED } from '../isa/sbi';
import type { MachineClock } from './clock';
import type { HartImpl } from './hart/hart';

/** A hart id as the scheduler sees it. */
export interface SchedSlot {
  readonly hart: HartImpl | null;
  readonly state: number;
}

export class HostScheduler {
  private lastHostTurn = performance.now();
  private idleScheduled = false;
  private hostTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Host work in flight whose completion will interrupt the guest (devices waiting on host services). */
  private hostWorkInFlight = 0;
  /** A host turn already scheduled for a hart: polls before it runs share it. */
  private readonly pendingTurns = new Map<HartImpl, Promise<void>>();
  /** The monitor's `stop`: host turns and clock wake-ups wait here until `resume`. */
  private paused = false;
  private readonly held: (() => void)[] = [];

  constructor(
    private readonly clock: MachineClock,
    private readonly slots: readonly SchedSlot[],
    private readonly counters: { hostTurns: number; clockJumps: number },
  ) {
    clock.onArm = () => {
      if (clock.kind === 'host' && this.anyWaiting()) this.armHostWake();
    };
  }

  /** Power-off: no more timers or jumps. */
  stop(): void {
    this.stopped = true;
    if (this.hostTimer) clearTimeout(this.hostTimer);
    this.hostTimer = null;
  }

  /** The VM stops (monitor `stop`): harts stay at their next host turn, clock wake-ups wait. */
  pause(): void {
    this.paused = true;
    if (this.hostTimer) clearTimeout(this.hostTimer);
    this.hostTimer = null;
  }

  /** The VM runs again (`cont`): held turns proceed, the clock's wake-ups are re-armed. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const go of this.held.splice(0)) go();
    if (!this.anyWaiting()) return;
    if (this.clock.kind === 'virtual') this.scheduleIdle();
    else this.armHostWake();
  }

  /** Runs `go` now, or at `resume` while paused. */
  whenRunning(go: () => void): void {
    if (this.paused) this.held.push(go);
    else go();
  }

  /** poll(): a promise for a host turn once ≥1 ms passed since the last one, else null. */
  hostTurn(hart: HartImpl): Promise<void> | null {
    if (performance.now() - this.lastHostTurn < 1) return null;
    const pending = this.pendingTurns.get(hart);
    if (pending) return pending;
    const turn = new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.pendingTurns.delete(hart);
        this.lastHostTurn = performance.now();
        this.counters.hostTurns++;
        this.whenRunning(() => {
          if (hart.isStopped) return; // never settles after power-off/reset
          try {
            this.clock.runDue();
            hart.takeInterrupts();
            resolve();
          } catch (e) {
            reject(e);
          }
        });
      }),
    );
    this.pendingTurns.set(hart, turn);
    return turn;
  }

  /**
   * A device started host work (a request to a host service) that it completes with an interrupt. On
   * the virtual clock, time holds still until the returned release runs: the guest sees the host's
   * latency as zero instead of its timers firing back to back while the host is busy (every jump to
   * the next deadline would otherwise be taken at once, an interrupt storm with nothing to do). The
   * release is idempotent. The host clock is unaffected.
   */
  beginHostWork(): () => void {
    this.hostWorkInFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.hostWorkInFlight--;
      if (this.hostWorkInFlight === 0 && this.clock.kind === 'virtual' && this.anyWaiting())
        this.scheduleIdle();
    };
  }

  private anyWaiting(): boolean {
    return this.slots.some((s) => s.hart?.waiting);
  }

  /** A hart entered wfi with nothing to take. */
  hartWaiting(): void {
    this.lastHostTurn = performance.now();
    if (this.clock.kind === 'virtual') this.scheduleIdle();
    else this.armHostWake();
  }

  private armHostWake(): void {
    if (this.hostTimer) clearTimeout(this.hostTimer);
    this.hostTimer = null;
    const next = this.clock.nextDeadline();
    if (!Number.isFinite(next) || this.stopped || this.paused) return;
    const ms = Math.max(0, (next - this.clock.nowNs()) / 1e6);
    this.hostTimer = setTimeout(() => {
      this.hostTimer = null;
      this.counters.hostTurns++;
      this.clock.runDue();
      if (this.anyWaiting()) this.armHostWake();
    }, ms);
  }

  private scheduleIdle(): void {
    if (this.idleScheduled) return;
    this.idleScheduled = true;
    // One host turn first, so host I/O that already arrived is delivered before time jumps.
    setImmediate(() => this.idleStep());
  }

  /** Virtual clock: when every started hart waits in wfi, jump to the next deadline. */
  private idleStep(): void {
    this.idleScheduled = false;
    this.lastHostTurn = performance.now();
    if (this.stopped || this.paused || this.clock.kind !== 'virtual') return;
    const running = this.slots.filter(
      (s) => s.hart && !s.hart.isStopped && s.state === SBI_HSM_STATE_STARTED,
    );
    if (running.some((s) => !s.hart?.waiting)) return;
    if (this.hostWorkInFlight > 0) return; // the completion's interrupt wakes a hart, or the release re-arms us
    const next = this.clock.nextDeadline();
    if (!Number.isFinite(next)) return; // only host input can wake the machine now
    this.counters.clockJumps++;
    this.clock.advanceTo(next);
    if (running.every((s) => s.hart?.waiting)) this.scheduleIdle();
  }
}
