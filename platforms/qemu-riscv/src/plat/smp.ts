// SMP bring-up (ukplat_lcpu_start / ukplat_lcpu_wakeup): which hart runs now (the kernel's `tp`),
// starting a secondary — SBI HSM hart_start under the firmware, a msip release of the hart parked at
// reset with -bios none — and IPIs (SBI send_ipi / CLINT msip).
import { Errno } from '@runikraft/errno';
import type { Fdt } from '@runikraft/fdt';
import { CSR_MIE, MIP_MSIP } from '../isa/csr';
import type { Hart } from '../isa/hart';
import { VIRT_DRAM } from '../isa/memmap';
import {
  SBI_ERR_ALREADY_AVAILABLE,
  SBI_EXT_HSM,
  SBI_EXT_IPI,
  SBI_HSM_HART_START,
  SBI_HSM_HART_STOP,
  SBI_IPI_SEND_IPI,
} from '../isa/sbi';
import { PlatCpu } from './cpu';
import { describePlatform } from './discover';
import { earlyPanic } from './early';

/** What a started CPU runs (ukplat_lcpu_entry_t); when it returns, the CPU stops. */
export type PlatCpuEntry = () => Promise<void> | void;

/**
 * The start address handed to HSM hart_start: the kernel's load address under OpenSBI fw_dynamic
 * (REFERENCE.md §3). The model runs the image's secondary entry for any address S-mode may execute.
 */
const SECONDARY_START = VIRT_DRAM + 0x200000;

/** The kernel instance of each machine, found by its guest RAM (kernel globals live in RAM). */
const kernels = new WeakMap<SharedArrayBuffer, PlatSmp>();

export class PlatSmp {
  /** The CPU whose code runs now: set at every trap and every return from wfi or a switch point. */
  current!: PlatCpu;
  /** Running CPUs by hartid (null: parked, stopped or not started). */
  readonly cpus: (PlatCpu | null)[];
  private readonly pending = new Map<number, PlatCpuEntry>();
  private boot!: PlatCpu;

  constructor(
    private readonly fdt: Fdt,
    private readonly dtbAddr: number,
    readonly ncpus: number,
    private readonly fatal: (reason: string) => never,
  ) {
    this.cpus = new Array<PlatCpu | null>(ncpus).fill(null);
  }

  /** The kernel instance that owns `hart`'s machine, if the boot hart has brought one up. */
  static of(hart: Hart): PlatSmp | undefined {
    return kernels.get(hart.ram.buffer);
  }

  /** Records the boot hart's CPU and publishes this instance to the machine's other harts. */
  attachBoot(cpu: PlatCpu): void {
    this.boot = cpu;
    this.current = cpu;
    this.cpus[cpu.hart.hartid] = cpu;
    kernels.set(cpu.hart.ram.buffer, this);
  }

  /** Starts `cpu` running `entry`. @returns 0, -EINVAL (no such CPU) or -EALREADY (running or starting). */
  start(cpu: number, entry: PlatCpuEntry): number {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.ncpus) return -Errno.EINVAL;
    if (this.cpus[cpu] || this.pending.has(cpu)) return -Errno.EALREADY;
    this.pending.set(cpu, entry);
    const hart = this.current.hart;
    if (hart.mode === 'S') {
      const r = hart.ecall(SBI_EXT_HSM, SBI_HSM_HART_START, cpu, SECONDARY_START, this.dtbAddr);
      if (r.error === 0) return 0;
      this.pending.delete(cpu);
      return r.error === SBI_ERR_ALREADY_AVAILABLE ? -Errno.EALREADY : -Errno.EINVAL;
    }
    const msip = describePlatform(this.fdt, cpu, 'M').msip;
    if (msip === null) {
      this.pending.delete(cpu);
      return -Errno.EINVAL;
    }
    hart.store32(msip, 1); // releases the hart parked in platEntry
    return 0;
  }

  /** Sends an IPI that ends `cpu`'s halt. @returns 0 or -EINVAL (not a running CPU). May run in IRQ context. */
  wakeup(cpu: number): number {
    const target = this.cpus[cpu];
    if (!target) return -Errno.EINVAL;
    const hart = this.current.hart;
    if (hart.mode === 'S') hart.ecall(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, cpu);
    else if (target.desc.msip !== null) hart.store32(target.desc.msip, 1);
    return 0;
  }

  /** Takes the start request for `hartid`, if the kernel made one. */
  take(hartid: number): PlatCpuEntry | undefined {
    const e = this.pending.get(hartid);
    this.pending.delete(hartid);
    return e;
  }

  /** Brings up `hart` as a CPU of this kernel and runs `entry` on it; returns when `entry` does. */
  async run(hart: Hart, entry: PlatCpuEntry): Promise<void> {
    const desc = describePlatform(this.fdt, hart.hartid, hart.mode);
    const cpu = new PlatCpu(hart, desc, this, this.boot.timer);
    cpu.init(this.fatal, this);
    this.cpus[hart.hartid] = cpu;
    this.current = cpu;
    cpu.lcpu.irqEnable();
    try {
      await entry();
    } finally {
      cpu.lcpu.irqDisable();
      this.cpus[hart.hartid] = null;
    }
  }
}

/**
 * The image's secondary entry under the SBI firmware (ImageEntry.secondary): HSM hart_start enters it
 * with a0 = hartid, a1 = opaque (the device-tree address this kernel passes). Runs the CPU entry the
 * kernel asked for with lcpu.start, then stops the hart (HSM hart_stop).
 */
export async function platSecondaryEntry(hart: Hart, a0: number, a1: number): Promise<void> {
  const smp = PlatSmp.of(hart);
  const entry = smp?.take(hart.hartid);
  if (!smp || !entry)
    return earlyPanic(
      hart,
      `hart ${a0} entered the kernel (opaque 0x${a1.toString(16)}) without a start request (lcpu.start)`,
    );
  await smp.run(hart, entry);
  hart.ecall(SBI_EXT_HSM, SBI_HSM_HART_STOP);
}

/**
 * -bios none: every hart enters the image at reset; the secondaries park here by hartid, waiting in
 * wfi for their msip (mstatus.MIE off, so no trap is taken), until lcpu.start releases them.
 */
export async function parkSecondary(hart: Hart, msip: number): Promise<never> {
  for (;;) {
    hart.csrw(CSR_MIE, MIP_MSIP);
    await hart.wfi();
    hart.store32(msip, 0);
    const smp = PlatSmp.of(hart);
    const entry = smp?.take(hart.hartid);
    if (smp && entry) await smp.run(hart, entry);
  }
}
