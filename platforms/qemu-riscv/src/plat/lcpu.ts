// Logical-CPU control (ukplat_lcpu): interrupt enable/save/restore on xstatus.xIE, halt through wfi,
// and with -smp N: starting secondaries and waking them (SMP state in smp.ts).
import type { RkHaltGuard, RkPlatLcpu } from '@runikraft/rkplat';
import { CSR_MSTATUS, CSR_SSTATUS, MSTATUS_MIE, SSTATUS_SIE } from '../isa/csr';
import type { Hart } from '../isa/hart';
import type { PlatCpu } from './cpu';
import type { PlatCpuEntry, PlatSmp } from './smp';
import type { PlatTimer } from './timer';

/** One hart's lcpu. */
export class PlatLcpu implements RkPlatLcpu {
  private readonly statusCsr: number;
  private readonly ieBit: number;
  /** The kernel's halt guard (a scheduler refusing halts from thread context), or null. */
  private guard: RkHaltGuard | null = null;
  /** Back on this hart after another ran (a switch point or wfi): the kernel's `tp` is this CPU again. */
  private readonly resumed: (() => void) | null;

  constructor(
    private readonly hart: Hart,
    private readonly timer: PlatTimer,
    private readonly ncpus: number,
    private readonly smp: PlatSmp,
    cpu: PlatCpu,
  ) {
    this.statusCsr = hart.mode === 'M' ? CSR_MSTATUS : CSR_SSTATUS;
    this.ieBit = hart.mode === 'M' ? MSTATUS_MIE : SSTATUS_SIE;
    this.resumed =
      ncpus > 1
        ? () => {
            smp.current = cpu;
          }
        : null;
  }

  id(): number {
    return this.hart.hartid;
  }
  count(): number {
    return this.ncpus;
  }
  setHaltGuard(guard: RkHaltGuard | null): void {
    this.guard = guard;
  }
  async halt(): Promise<void> {
    const refused = this.guard?.('halt');
    if (refused) throw refused;
    await this.hart.wfi();
    this.resumed?.();
  }
  async haltUntil(deadlineNs: number): Promise<void> {
    const refused = this.guard?.('haltUntil');
    if (refused) throw refused;
    if (this.timer.nowNs() >= deadlineNs) {
      await this.hart.poll();
      this.resumed?.();
      return;
    }
    this.timer.setHaltDeadline(deadlineNs);
    try {
      await this.hart.wfi();
      this.resumed?.();
    } finally {
      this.timer.setHaltDeadline(Number.POSITIVE_INFINITY);
    }
  }
  irqEnable(): void {
    this.hart.csrs(this.statusCsr, this.ieBit);
  }
  irqDisable(): void {
    this.hart.csrc(this.statusCsr, this.ieBit);
  }
  irqSave(): number {
    return this.hart.csrc(this.statusCsr, this.ieBit) & this.ieBit;
  }
  irqRestore(flags: number): void {
    if (flags & this.ieBit) this.hart.csrs(this.statusCsr, this.ieBit);
  }
  irqsDisabled(): boolean {
    return (this.hart.csrr(this.statusCsr) & this.ieBit) === 0;
  }
  poll(): Promise<void> | null {
    const p = this.hart.poll();
    return p && this.resumed ? p.then(this.resumed) : p;
  }
  start(cpu: number, entry: PlatCpuEntry): number {
    return this.smp.start(cpu, entry);
  }
  wakeup(cpu: number): number {
    return this.smp.wakeup(cpu);
  }
}

/** `plat.lcpu` with -smp N > 1: every call acts on the CPU that runs now. */
export class SmpLcpu implements RkPlatLcpu {
  constructor(private readonly smp: PlatSmp) {}
  id(): number {
    return this.smp.current.hart.hartid;
  }
  count(): number {
    return this.smp.ncpus;
  }
  halt(): Promise<void> {
    return this.smp.current.lcpu.halt();
  }
  haltUntil(deadlineNs: number): Promise<void> {
    return this.smp.current.lcpu.haltUntil(deadlineNs);
  }
  /** Installs the guard on the CPU that runs now (each CPU's scheduler installs its own). */
  setHaltGuard(guard: RkHaltGuard | null): void {
    this.smp.current.lcpu.setHaltGuard(guard);
  }
  irqEnable(): void {
    this.smp.current.lcpu.irqEnable();
  }
  irqDisable(): void {
    this.smp.current.lcpu.irqDisable();
  }
  irqSave(): number {
    return this.smp.current.lcpu.irqSave();
  }
  irqRestore(flags: number): void {
    this.smp.current.lcpu.irqRestore(flags);
  }
  irqsDisabled(): boolean {
    return this.smp.current.lcpu.irqsDisabled();
  }
  poll(): Promise<void> | null {
    return this.smp.current.lcpu.poll();
  }
  start(cpu: number, entry: PlatCpuEntry): number {
    return this.smp.start(cpu, entry);
  }
  wakeup(cpu: number): number {
    return this.smp.wakeup(cpu);
  }
}
