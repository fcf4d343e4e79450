// One hart's share of the platform: its PLIC context, its timer comparator, its lcpu and its trap
// vector (per-hart state of DESIGN.md §4 `-smp N`). The boot hart and every secondary get one.
import {
  CSR_MIE,
  CSR_SIE,
  CSR_SIP,
  IRQ_M_EXT,
  IRQ_M_SOFT,
  IRQ_M_TIMER,
  IRQ_S_EXT,
  IRQ_S_SOFT,
  IRQ_S_TIMER,
  MIP_MEIP,
  MIP_MSIP,
  MIP_SEIP,
  MIP_SSIP,
} from '../isa/csr';
import type { Hart } from '../isa/hart';
import type { PlatDesc } from './discover';
import { PlatIrq } from './irq';
import { PlatLcpu } from './lcpu';
import { PlicDriver } from './plic';
import type { PlatSmp } from './smp';
import { PlatTimer } from './timer';

const EXC_NAMES: Record<number, string> = {
  0: 'instruction address misaligned',
  1: 'instruction access fault',
  2: 'illegal instruction',
  3: 'breakpoint',
  4: 'load address misaligned',
  5: 'load access fault',
  6: 'store address misaligned',
  7: 'store access fault',
  8: 'ecall from U-mode',
  9: 'ecall from S-mode',
  11: 'ecall from M-mode',
};

export class PlatCpu {
  readonly plic: PlicDriver;
  readonly timer: PlatTimer;
  readonly irq: PlatIrq;
  readonly lcpu: PlatLcpu;
  /** Inter-processor interrupts taken. */
  ipis = 0;

  constructor(
    readonly hart: Hart,
    readonly desc: PlatDesc,
    smp: PlatSmp,
    bootTimer?: PlatTimer,
  ) {
    this.plic = new PlicDriver(hart, desc.plic.base, desc.plic.context, desc.plic.ndev);
    this.timer = new PlatTimer(
      hart,
      hart.mode === 'M'
        ? { kind: 'clint', mtimecmp: desc.mtimecmp! }
        : desc.sstc
          ? { kind: 'sstc' }
          : { kind: 'sbi' },
      desc.timebase,
      bootTimer,
    );
    this.irq = new PlatIrq(this.plic);
    this.lcpu = new PlatLcpu(hart, this.timer, desc.ncpus, smp, this);
  }

  /**
   * Brings the hart's devices to a known state and installs its trap vector (interrupts stay globally
   * off until lcpu.irqEnable). `smp` is told which hart runs at every trap, as a kernel reloads `tp`.
   */
  init(fatal: (reason: string) => never, smp: PlatSmp): void {
    const hart = this.hart;
    this.plic.init();
    this.timer.init();
    hart.csrs(
      hart.mode === 'M' ? CSR_MIE : CSR_SIE,
      hart.mode === 'M' ? MIP_MEIP | MIP_MSIP : MIP_SEIP | MIP_SSIP,
    );
    hart.setTrapVector((code, interrupt, tval) => {
      smp.current = this;
      if (!interrupt)
        return fatal(
          `unhandled trap: ${EXC_NAMES[code] ?? `exception ${code}`} (tval 0x${tval.toString(16)})${hart.hartid ? ` on hart ${hart.hartid}` : ''}`,
        );
      switch (code) {
        case IRQ_S_TIMER:
        case IRQ_M_TIMER:
          return this.timer.handleIrq();
        case IRQ_S_EXT:
        case IRQ_M_EXT:
          return this.irq.dispatchExternal();
        case IRQ_S_SOFT:
          this.ipis++;
          hart.csrc(CSR_SIP, MIP_SSIP);
          return;
        case IRQ_M_SOFT:
          this.ipis++;
          if (this.desc.msip !== null) hart.store32(this.desc.msip, 0);
          return;
      }
    });
  }
}
