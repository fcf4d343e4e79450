// The CSR file of one hart (RISC-V privileged spec v1.12 §3–4, Sstc; QEMU target/riscv/csr.c behaviour):
// S-mode under OpenSBI (MIDELEG=0x1666, mcounteren all set, STCE on) or M-mode with `-bios none`.
// Values are JS numbers; 64-bit CSRs are exact below 2^53. xcause reads as a signed 32-bit value with the
// interrupt flag in bit 31 (the spec's bit XLEN-1 does not fit a JS number exactly).
import * as C from '../../isa/csr';
import type { PrivMode } from '../../isa/hart';
import { type MachineClock, Timer } from '../clock';
import type { MTimer } from '../devices/clint';
import { fromU64, toU64 } from './csr-encoding';

/** Interrupt bits S-mode sees (OpenSBI's MIDELEG 0x1666 restricted to what exists here). */
export const S_INTS = C.MIP_SSIP | C.MIP_STIP | C.MIP_SEIP;
/** All six standard interrupt bits (M-mode with no delegation). */
export const M_INTS = S_INTS | C.MIP_MSIP | C.MIP_MTIP | C.MIP_MEIP;
const SSTATUS_SPP = 1 << 8;
const MSTATUS_MPP_SHIFT = 11;
/** UXL = 2 (RV64) at bits 32..33; SXL = 2 at 34..35 in mstatus. */
const UXL64 = 2 * 2 ** 32;
const SXL64 = 2 * 2 ** 34;
/** misa extension bits of rv64imafdch + S + U (MXL omitted: bit 63 does not fit a JS number). */
const MISA_EXT = 'ACDFHIMSU'.split('').reduce((m, c) => m | (1 << (c.charCodeAt(0) - 65)), 0);
const MARCHID = 0x70216; // QEMU 7.2.22 (RISCV_CPU_MARCHID)
const CSR_SATP = 0x180;
const CSR_SCOUNTEREN = 0x106;
const CSR_SENVCFG = 0x10a;
const CSR_MEDELEG = 0x302;
const CSR_MIDELEG = 0x303;
const CSR_MCOUNTEREN = 0x306;
const CSR_MENVCFG = 0x30a;
const CSR_MCYCLE = 0xb00;
const CSR_MINSTRET = 0xb02;

/** Outcome of a CSR access the hart turns into an illegal-instruction trap. */
export const ILLEGAL = Symbol('illegal');

export class HartCsrs {
  /** Pending interrupt bits (mip): device lines and software-writable bits. */
  ip = 0;
  ie = 0;
  protected sie = false;
  protected spie = false;
  protected spp = false;
  protected mie = false;
  protected mpie = false;
  protected mpp = 0;
  protected stvec = 0;
  protected sscratch = 0;
  protected sepc = 0;
  protected scause = 0;
  protected stval = 0;
  protected mtvec = 0;
  protected mscratch = 0;
  protected mepc = 0;
  protected mcause = 0;
  protected mtval = 0;
  private readonly plain = new Map<number, number>();
  /** Retired hart operations: what cycle/instret count (deterministic). */
  instret = 0;
  stimecmp = 0n;
  private stipTimerLevel = false;
  private stipSoft = false;
  private seipLine = false;
  private seipSoft = false;
  private readonly stimer: Timer;

  constructor(
    readonly hartid: number,
    readonly mode: PrivMode,
    protected readonly clock: MachineClock,
    protected readonly mtimer: MTimer,
  ) {
    this.stimer = new Timer(() => this.setStip(true));
  }

  /** sstatus.FS: OpenSBI leaves the FPU on and dirty (3) for the S-mode kernel (measured); 0 in M-mode. */
  private get fsBits(): number {
    return this.mode === 'S' ? 0x6000 : 0;
  }

  /** Interrupt bits this hart's kernel can take. */
  get intMask(): number {
    return this.mode === 'S' ? S_INTS : M_INTS;
  }

  /** Called when `ip` or `ie` may have made an interrupt pending (wakes wfi). */
  protected interruptsChanged(): void {}

  /** A hardware line (CLINT, PLIC, Sstc) sets or clears its mip bit. */
  setIrqLine(cause: number, level: boolean): void {
    if (cause === C.IRQ_S_EXT) {
      // mip.SEIP = the PLIC's S-context line OR the M-mode software bit (measured on QEMU 7.2).
      this.seipLine = level;
      this.setIp(cause, level || this.seipSoft);
      return;
    }
    this.setIp(cause, level);
  }

  private setIp(cause: number, level: boolean): void {
    const bit = 1 << cause;
    const next = level ? this.ip | bit : this.ip & ~bit;
    if (next === this.ip) return;
    this.ip = next;
    this.interruptsChanged();
  }

  get mip(): number {
    return this.ip;
  }

  private setStip(level: boolean): void {
    this.stipTimerLevel = level;
    this.setIrqLine(C.IRQ_S_TIMER, this.stipTimerLevel || this.stipSoft);
  }

  /** Sstc: a write of stimecmp (or of mtime) re-evaluates STIP and arms the comparator (QEMU time_helper.c). */
  writeStimecmp(v: bigint): void {
    this.stimecmp = v;
    this.clock.cancel(this.stimer);
    if (v <= this.mtimer.mtime()) {
      this.setStip(true);
      return;
    }
    this.setStip(false);
    const at = this.mtimer.deadlineNs(v);
    if (Number.isFinite(at)) this.clock.arm(this.stimer, at);
  }

  /** Reads a CSR. @returns the value or ILLEGAL. */
  protected readCsr(csr: number): number | typeof ILLEGAL {
    if (this.mode === 'S' && ((csr >>> 8) & 3) > 1) return ILLEGAL;
    switch (csr) {
      case C.CSR_SSTATUS:
        return (
          UXL64 +
          this.fsBits +
          ((this.sie ? C.SSTATUS_SIE : 0) |
            (this.spie ? C.SSTATUS_SPIE : 0) |
            (this.spp ? SSTATUS_SPP : 0))
        );
      case C.CSR_SIE:
        return this.mode === 'S' ? this.ie & S_INTS : 0;
      case C.CSR_SIP:
        return this.mode === 'S' ? this.ip & S_INTS : 0;
      case C.CSR_STVEC:
        return this.stvec;
      case C.CSR_SSCRATCH:
        return this.sscratch;
      case C.CSR_SEPC:
        return this.sepc;
      case C.CSR_SCAUSE:
        return this.scause;
      case C.CSR_STVAL:
        return this.stval;
      case C.CSR_STIMECMP:
        return fromU64(this.stimecmp);
      case CSR_SATP:
      case CSR_SCOUNTEREN:
      case CSR_SENVCFG:
        return this.plain.get(csr) ?? 0;
      case C.CSR_CYCLE:
      case C.CSR_INSTRET:
      case CSR_MCYCLE:
      case CSR_MINSTRET:
        return this.instret;
      case C.CSR_TIME:
        return this.mtimer.mtimeNumber();
      default:
        return this.mode === 'M' ? this.readMCsr(csr) : ILLEGAL;
    }
  }

  private readMCsr(csr: number): number | typeof ILLEGAL {
    switch (csr) {
      case C.CSR_MSTATUS: {
        const low =
          (this.sie ? C.SSTATUS_SIE : 0) |
          (this.mie ? C.MSTATUS_MIE : 0) |
          (this.spie ? C.SSTATUS_SPIE : 0) |
          (this.mpie ? C.MSTATUS_MPIE : 0) |
          (this.spp ? SSTATUS_SPP : 0) |
          (this.mpp << MSTATUS_MPP_SHIFT);
        return UXL64 + SXL64 + low;
      }
      case C.CSR_MISA:
        return MISA_EXT;
      case C.CSR_MIE:
        return this.ie;
      case C.CSR_MIP:
        return this.ip;
      case C.CSR_MTVEC:
        return this.mtvec;
      case C.CSR_MSCRATCH:
        return this.mscratch;
      case C.CSR_MEPC:
        return this.mepc;
      case C.CSR_MCAUSE:
        return this.mcause;
      case C.CSR_MTVAL:
        return this.mtval;
      case C.CSR_MVENDORID:
        return 0;
      case C.CSR_MARCHID:
      case C.CSR_MIMPID:
        return MARCHID;
      case C.CSR_MHARTID:
        return this.hartid;
      case CSR_MEDELEG:
      case CSR_MIDELEG:
      case CSR_MCOUNTEREN:
      case CSR_MENVCFG:
        return this.plain.get(csr) ?? 0;
      default:
        if (csr >= 0x3a0 && csr <= 0x3ef) return this.plain.get(csr) ?? 0; // pmpcfg/pmpaddr: no effect
        return ILLEGAL;
    }
  }

  /** Writes a CSR (after the read that every csrrw/csrrs/csrrc does). @returns false if illegal. */
  protected writeCsr(csr: number, value: number): boolean {
    if (csr >>> 10 === 3) return false; // read-only space
    if (this.mode === 'S' && ((csr >>> 8) & 3) > 1) return false;
    const v = value >>> 0; // every writable bit of the status/interrupt CSRs lies below bit 32
    switch (csr) {
      case C.CSR_SSTATUS:
        this.sie = (v & C.SSTATUS_SIE) !== 0;
        this.spie = (v & C.SSTATUS_SPIE) !== 0;
        this.spp = (v & SSTATUS_SPP) !== 0;
        return true;
      case C.CSR_SIE:
        if (this.mode === 'S') this.ie = (this.ie & ~S_INTS) | (v & S_INTS);
        return true;
      case C.CSR_SIP:
        if (this.mode === 'S') this.setSoftIp(C.MIP_SSIP, v);
        return true;
      case C.CSR_STVEC:
        this.stvec = value;
        return true;
      case C.CSR_SSCRATCH:
        this.sscratch = value;
        return true;
      case C.CSR_SEPC:
        this.sepc = value;
        return true;
      case C.CSR_SCAUSE:
        this.scause = value;
        return true;
      case C.CSR_STVAL:
        this.stval = value;
        return true;
      case C.CSR_STIMECMP:
        this.writeStimecmp(toU64(value));
        return true;
      case CSR_SATP:
        // No MMU in this model: only Bare is supported, other modes are ignored (WARL).
        if (Math.floor(value / 2 ** 60) === 0) this.plain.set(csr, value);
        return true;
      case CSR_SCOUNTEREN:
      case CSR_SENVCFG:
        this.plain.set(csr, value);
        return true;
      default:
        return this.mode === 'M' && this.writeMCsr(csr, value, v);
    }
  }

  private writeMCsr(csr: number, value: number, v: number): boolean {
    switch (csr) {
      case C.CSR_MSTATUS: {
        this.sie = (v & C.SSTATUS_SIE) !== 0;
        this.mie = (v & C.MSTATUS_MIE) !== 0;
        this.spie = (v & C.SSTATUS_SPIE) !== 0;
        this.mpie = (v & C.MSTATUS_MPIE) !== 0;
        this.spp = (v & SSTATUS_SPP) !== 0;
        const mpp = (v >>> MSTATUS_MPP_SHIFT) & 3;
        if (mpp !== 2) this.mpp = mpp; // WARL: H-mode encoding keeps the old value
        return true;
      }
      case C.CSR_MIE:
        this.ie = v & M_INTS;
        return true;
      case C.CSR_MIP:
        this.setSoftIp(C.MIP_SSIP, v);
        this.stipSoft = (v & C.MIP_STIP) !== 0;
        this.setIrqLine(C.IRQ_S_TIMER, this.stipTimerLevel || this.stipSoft);
        this.seipSoft = (v & C.MIP_SEIP) !== 0;
        this.setIp(C.IRQ_S_EXT, this.seipLine || this.seipSoft);
        return true;
      case C.CSR_MTVEC:
        this.mtvec = value;
        return true;
      case C.CSR_MSCRATCH:
        this.mscratch = value;
        return true;
      case C.CSR_MEPC:
        this.mepc = value;
        return true;
      case C.CSR_MCAUSE:
        this.mcause = value;
        return true;
      case C.CSR_MTVAL:
        this.mtval = value;
        return true;
      case C.CSR_MISA:
        return true; // WARL, fixed
      case CSR_MEDELEG:
      case CSR_MIDELEG:
      case CSR_MCOUNTEREN:
      case CSR_MENVCFG:
        this.plain.set(csr, value);
        return true;
      case CSR_MCYCLE:
      case CSR_MINSTRET:
        this.instret = value;
        return true;
      default:
        if (csr >= 0x3a0 && csr <= 0x3ef) {
          this.plain.set(csr, value);
          return true;
        }
        return false;
    }
  }

  private setSoftIp(bit: number, v: number): void {
    this.setIrqLine(31 - Math.clz32(bit), (v & bit) !== 0);
  }

  /** CSRs whose values may exceed 32 bits, so csrs/csrc must not use 32-bit bit operations. */
  protected static wide(csr: number): boolean {
    return !(
      csr === C.CSR_SSTATUS ||
      csr === C.CSR_MSTATUS ||
      csr === C.CSR_SIE ||
      csr === C.CSR_MIE ||
      csr === C.CSR_SIP ||
      csr === C.CSR_MIP
    );
  }

  // ---- trap entry / return (the hardware part of a trap and of sret/mret) ----

  protected enterTrap(code: number, interrupt: boolean, tval: number): void {
    const cause = interrupt ? 0x80000000 | code | 0 : code;
    if (this.mode === 'S') {
      this.scause = cause;
      this.stval = tval;
      this.spie = this.sie;
      this.sie = false;
      this.spp = true;
    } else {
      this.mcause = cause;
      this.mtval = tval;
      this.mpie = this.mie;
      this.mie = false;
      this.mpp = 3;
    }
  }

  protected returnFromTrap(): void {
    if (this.mode === 'S') {
      this.sie = this.spie;
      this.spie = true;
      this.spp = false;
    } else {
      this.mie = this.mpie;
      this.mpie = true;
      this.mpp = 0;
    }
  }

  /** The interrupt to take now (priority MEI, MSI, MTI, SEI, SSI, STI), or -1. */
  protected deliverable(): number {
    const enabled = this.mode === 'S' ? this.sie : this.mie;
    if (!enabled) return -1;
    const p = this.ip & this.ie & this.intMask;
    if (p === 0) return -1;
    for (const c of [
      C.IRQ_M_EXT,
      C.IRQ_M_SOFT,
      C.IRQ_M_TIMER,
      C.IRQ_S_EXT,
      C.IRQ_S_SOFT,
      C.IRQ_S_TIMER,
    ])
      if (p & (1 << c)) return c;
    return -1;
  }

  /** wfi's wake condition: some interrupt pending and locally enabled, whatever xstatus.xIE says. */
  wakeable(): boolean {
    return (this.ip & this.ie & this.intMask) !== 0;
  }

  /** Cancels the Sstc comparator (hart reset / stop). */
  protected stopTimers(): void {
    this.clock.cancel(this.stimer);
  }
}
