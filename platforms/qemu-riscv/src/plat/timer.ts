// The one-shot platform timer: CLINT mtimecmp in M-mode, Sstc stimecmp or SBI set_timer in S-mode.
// Keeps two deadlines (the kernel's timer and the halt wake-up) on the one hardware comparator.
import { CSR_MIE, CSR_SIE, CSR_STIMECMP, CSR_TIME, MIP_MTIP, MIP_STIP } from '../isa/csr';
import type { Hart } from '../isa/hart';
import { SBI_EXT_TIME, SBI_TIME_SET_TIMER } from '../isa/sbi';

const NEVER = Number.MAX_SAFE_INTEGER;

type TimerHw = { kind: 'clint'; mtimecmp: number } | { kind: 'sstc' } | { kind: 'sbi' };

export class PlatTimer {
  private readonly nsPerTickInt: number;
  private handler: (() => void) | null = null;
  private timerDeadline = NEVER;
  private haltDeadline = NEVER;
  private readonly bootTicks: number;
  /** The latest {@link nowNs} on any hart: the coarse clock (one cell, shared with the boot hart's timer). */
  private readonly latest: { ns: number };

  constructor(
    private readonly hart: Hart,
    private readonly hw: TimerHw,
    private readonly freq: number,
    /** The boot hart's timer: a secondary hart shares its `time` origin and coarse clock. */
    boot?: PlatTimer,
  ) {
    this.nsPerTickInt = 1e9 % freq === 0 ? 1e9 / freq : 0;
    this.bootTicks = boot ? boot.bootTicks : hart.csrr(CSR_TIME);
    this.latest = boot ? boot.latest : { ns: 0 };
  }

  /** Nanoseconds since boot. */
  nowNs(): number {
    const ns = this.ticksToNs(this.hart.csrr(CSR_TIME) - this.bootTicks);
    // Harts may store their reads out of order: the coarse clock keeps the later one.
    if (ns > this.latest.ns) this.latest.ns = ns;
    return ns;
  }

  /**
   * The coarse clock: {@link nowNs} at the latest read on any hart, the timer interrupt's included
   * (handleIrq reads the clock). No CSR access, as Linux's coarse clocks read the time of the last tick.
   */
  coarseNs(): number {
    return this.latest.ns;
  }

  private ticksToNs(t: number): number {
    if (this.nsPerTickInt) return t * this.nsPerTickInt;
    return Math.floor(t / this.freq) * 1e9 + Math.floor(((t % this.freq) * 1e9) / this.freq);
  }

  private nsToTicks(ns: number): number {
    if (this.nsPerTickInt) return Math.ceil(ns / this.nsPerTickInt);
    return Math.floor(ns / 1e9) * this.freq + Math.ceil(((ns % 1e9) * this.freq) / 1e9);
  }

  get resolutionNs(): number {
    return this.nsPerTickInt || Math.ceil(1e9 / this.freq);
  }

  init(): void {
    this.program(NEVER);
    if (this.hw.kind === 'clint') this.hart.csrs(CSR_MIE, MIP_MTIP);
    else this.hart.csrs(CSR_SIE, MIP_STIP);
  }

  set(deadlineNs: number, handler: () => void): void {
    this.handler = handler;
    this.timerDeadline = deadlineNs;
    this.reprogram();
  }

  cancel(): void {
    this.handler = null;
    this.timerDeadline = NEVER;
    this.reprogram();
  }

  /** Arms the halt wake-up; NEVER (or Infinity) disarms it. */
  setHaltDeadline(ns: number): void {
    this.haltDeadline = Number.isFinite(ns) ? ns : NEVER;
    this.reprogram();
  }

  /** Timer interrupt: runs the kernel's handler if its deadline passed, then re-arms. */
  handleIrq(): void {
    const now = this.nowNs();
    if (this.haltDeadline <= now) this.haltDeadline = NEVER;
    if (this.timerDeadline <= now) {
      const h = this.handler;
      this.timerDeadline = NEVER;
      this.handler = null;
      this.reprogram();
      h?.();
      return;
    }
    this.reprogram();
  }

  private reprogram(): void {
    const d = Math.min(this.timerDeadline, this.haltDeadline);
    this.program(d >= NEVER ? NEVER : this.bootTicks + this.nsToTicks(Math.max(0, d)));
  }

  private program(ticks: number): void {
    switch (this.hw.kind) {
      case 'clint': {
        const a = this.hw.mtimecmp;
        const hi = ticks >= NEVER ? 0xffffffff : Math.floor(ticks / 2 ** 32);
        const lo = ticks >= NEVER ? 0xffffffff : ticks >>> 0;
        // The high word goes to all-ones first so no intermediate value fires early (privileged spec §3.2.1).
        this.hart.store32(a + 4, 0xffffffff);
        this.hart.store32(a, lo);
        this.hart.store32(a + 4, hi);
        return;
      }
      case 'sstc':
        this.hart.csrw(CSR_STIMECMP, ticks);
        return;
      case 'sbi':
        this.hart.ecall(SBI_EXT_TIME, SBI_TIME_SET_TIMER, ticks);
        return;
    }
  }
}
