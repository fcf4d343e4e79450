// Logical-CPU control (ukplat_lcpu): interrupt enable/save/restore on xstatus.xIE, halt through wfi.
import type { RkPlatLcpu } from '@runikraft/rkplat';
import { CSR_MSTATUS, CSR_SSTATUS, MSTATUS_MIE, SSTATUS_SIE } from '../isa/csr';
import type { Hart } from '../isa/hart';
import type { PlatTimer } from './timer';

export class PlatLcpu implements RkPlatLcpu {
  private readonly statusCsr: number;
  private readonly ieBit: number;
  /** Times the hart halted (wfi). */
  halts = 0;

  constructor(
    private readonly hart: Hart,
    private readonly timer: PlatTimer,
    private readonly ncpus: number,
  ) {
    this.statusCsr = hart.mode === 'M' ? CSR_MSTATUS : CSR_SSTATUS;
    this.ieBit = hart.mode === 'M' ? MSTATUS_MIE : SSTATUS_SIE;
  }

  id(): number {
    return this.hart.hartid;
  }
  count(): number {
    return this.ncpus;
  }
  async halt(): Promise<void> {
    this.halts++;
    await this.hart.wfi();
  }
  async haltUntil(deadlineNs: number): Promise<void> {
    if (this.timer.nowNs() >= deadlineNs) {
      await this.hart.poll();
      return;
    }
    this.timer.setHaltDeadline(deadlineNs);
    try {
      this.halts++;
      await this.hart.wfi();
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
    return this.hart.poll();
  }
}
