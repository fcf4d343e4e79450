// CLINT / ACLINT at 0x02000000 (REFERENCE.md §11; QEMU hw/intc/riscv_aclint.c): MSWI (msip per hart),
// MTIMER (mtimecmp per hart, mtime at +0x7ff8, 10 MHz) and, with aclint=on, SSWI at 0x02f00000.
import { IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_SOFT, MIP_MSIP } from '../../isa/csr';
import { VIRT_TIMEBASE_FREQ } from '../../isa/memmap';
import { type MachineClock, Timer } from '../clock';
import type { MmioDevice } from '../mmio';
import type { HartIrqSink } from './irq';

const NS_PER_TICK = 1e9 / VIRT_TIMEBASE_FREQ; // 100
const U64 = 0xffffffffffffffffn;

/** A hart as the CLINT sees it: interrupt inputs and its mip (msip reads MSIP back). */
export interface ClintHart extends HartIrqSink {
  readonly mip: number;
}

/** The machine timer: mtime = ns / 100 + delta; per-hart mtimecmp with QEMU timers. */
export class MTimer implements MmioDevice {
  readonly name = 'riscv.aclint.mtimer';
  readonly size = 0x8000;
  readonly validMin = 4;
  readonly validMax = 8;
  readonly implMin = 4;
  readonly implMax = 8;
  /** mtime - raw ticks, signed (QEMU's time_delta, which wraps modulo 2^64 on reads). */
  private delta = 0n;
  /** delta as a number while number arithmetic on it is exact (else null: mtime() only). */
  private deltaNum: number | null = 0;
  readonly timecmp: bigint[];
  private readonly timers: Timer[];

  constructor(
    private readonly clock: MachineClock,
    private readonly harts: readonly HartIrqSink[],
  ) {
    this.timecmp = harts.map(() => 0n);
    this.timers = harts.map((h) => new Timer(() => h.setIrqLine(IRQ_M_TIMER, true)));
  }

  private rawTicks(): bigint {
    return BigInt(Math.floor(this.clock.nowNs() / NS_PER_TICK));
  }

  /** Current mtime (the `time` CSR reads the same). */
  mtime(): bigint {
    return (this.rawTicks() + this.delta) & U64;
  }

  /**
   * mtime as the `time` CSR reads it (a number; bit 63 makes it negative), computed without
   * BigInts while it is below 2^53 — every clock_gettime of a booted program reads it.
   */
  mtimeNumber(): number {
    if (this.deltaNum !== null) {
      const t = Math.floor(this.clock.nowNs() / NS_PER_TICK) + this.deltaNum;
      if (t >= 0 && t <= Number.MAX_SAFE_INTEGER) return t;
    }
    return Number(BigInt.asIntN(64, this.mtime()));
  }

  /** ns of the machine clock at which mtime reaches `ticks` (+Infinity when unreachable). */
  deadlineNs(ticks: bigint): number {
    const raw = ticks - this.delta;
    if (raw >= 1n << 53n) return Number.POSITIVE_INFINITY;
    return raw <= 0n ? 0 : Number(raw) * NS_PER_TICK;
  }

  writeTimecmp(hart: number, value: bigint): void {
    this.timecmp[hart] = value & U64;
    const h = this.harts[hart];
    this.clock.cancel(this.timers[hart]);
    if (this.timecmp[hart] <= this.mtime()) {
      h.setIrqLine(IRQ_M_TIMER, true);
      return;
    }
    h.setIrqLine(IRQ_M_TIMER, false);
    const when = this.deadlineNs(this.timecmp[hart]);
    if (Number.isFinite(when)) this.clock.arm(this.timers[hart], when);
  }

  read64(offset: number): bigint {
    const hart = offset >>> 3;
    if (offset < 8 * this.harts.length) {
      if ((offset & 7) === 0) return this.timecmp[hart];
      if ((offset & 7) === 4) return this.timecmp[hart] >> 32n;
      return 0n;
    }
    if (offset === 0x7ff8) return this.mtime();
    if (offset === 0x7ffc) return this.mtime() >> 32n;
    return 0n;
  }

  read(offset: number, size: number): number {
    const v = this.read64(offset);
    return Number(size === 4 ? v & 0xffffffffn : v);
  }

  write(offset: number, size: number, value: number): void {
    this.write64(offset, BigInt(value), size);
  }

  write64(offset: number, value: bigint, size = 8): void {
    const hart = offset >>> 3;
    if (offset < 8 * this.harts.length) {
      const old = this.timecmp[hart];
      if ((offset & 7) === 0)
        this.writeTimecmp(hart, size === 4 ? (old & ~0xffffffffn) | (value & 0xffffffffn) : value);
      else if ((offset & 7) === 4 && size === 4)
        this.writeTimecmp(hart, ((value & 0xffffffffn) << 32n) | (old & 0xffffffffn));
      return;
    }
    if (offset !== 0x7ff8 && offset !== 0x7ffc) return;
    const raw = this.rawTicks();
    const now = this.mtime();
    let target: bigint;
    if (offset === 0x7ff8)
      target = size === 4 ? (now & ~0xffffffffn) | (value & 0xffffffffn) : value;
    else if (size === 4) target = ((value & 0xffffffffn) << 32n) | (now & 0xffffffffn);
    else return;
    this.delta = target - raw;
    this.deltaNum = this.delta > -(1n << 52n) && this.delta < 1n << 52n ? Number(this.delta) : null;
    // Every mtimecmp is re-evaluated; Sstc's stimecmp is not (QEMU 7.2 only does so on stimecmp writes).
    for (let h = 0; h < this.harts.length; h++) this.writeTimecmp(h, this.timecmp[h]);
  }

  /**
   * Device reset (riscv_aclint_mtimer_reset_enter): mtime is written to 0, which re-evaluates every
   * mtimecmp — with the reset value 0, MTIP is pending when the hart starts (measured on QEMU 7.2).
   */
  reset(): void {
    this.write64(0x7ff8, 0n);
  }
}

/** MSWI (msip, M-soft) or SSWI (setssip, S-soft; writes of 0 ignored, reads 0). */
export class Swi implements MmioDevice {
  readonly name: string;
  readonly size = 0x4000;
  readonly validMin = 4;
  readonly validMax = 4;

  constructor(
    private readonly harts: readonly ClintHart[],
    private readonly sswi: boolean,
  ) {
    this.name = sswi ? 'riscv.aclint.sswi' : 'riscv.aclint.swi';
  }

  read(offset: number): number {
    const h = this.harts[offset >>> 2];
    if (!h || (offset & 3) !== 0 || this.sswi) return 0;
    return h.mip & MIP_MSIP ? 1 : 0;
  }

  write(offset: number, _size: number, value: number): void {
    const h = this.harts[offset >>> 2];
    if (!h || (offset & 3) !== 0) return;
    const cause = this.sswi ? IRQ_S_SOFT : IRQ_M_SOFT;
    if (value & 1) h.setIrqLine(cause, true);
    else if (!this.sswi) h.setIrqLine(cause, false);
  }
}
