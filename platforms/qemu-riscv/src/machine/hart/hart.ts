// A hart of the model: the only door between guest software and the machine (isa/hart.ts contract).
// Loads/stores go through the physical bus (access faults trap, then read 0), CSRs through the CSR file,
// ecall to the SBI firmware (S-mode) or to the kernel's handler (M-mode), interrupts at the contract's
// points: csrw/csrs/csrc of xstatus/xie/xip, poll() and wfi().
import * as C from '../../isa/csr';
import {
  type GuestRam,
  type Hart,
  HartStopped,
  type PrivMode,
  type SbiRet,
  type TrapHandler,
} from '../../isa/hart';
import { SBI_ERR_NOT_SUPPORTED } from '../../isa/sbi';
import { FAULT, type PhysBus, type PmpDeny } from '../bus';
import type { MachineClock } from '../clock';
import type { MTimer } from '../devices/clint';
import { csrInstruction } from './csr-encoding';
import { HartCsrs, ILLEGAL } from './csr-file';
import { TrapPanic } from './traps';

/** What a hart needs from its machine. */
export interface HartHost {
  readonly bus: PhysBus;
  readonly clock: MachineClock;
  readonly mtimer: MTimer;
  /** The SBI firmware (S-mode ecall). */
  sbiCall(hart: HartImpl, eid: number, fid: number, args: readonly number[]): SbiRet;
  /** poll(): a host turn when ≥1 ms of host time passed since the last one, else null. */
  hostTurn(hart: HartImpl): Promise<void> | null;
  /** The hart entered wfi with nothing to take: it gives up the CPU (virtual clock: maybe advance). */
  hartWaiting(hart: HartImpl): void;
  /** An interrupt woke the hart from wfi: `resume` runs when it holds the CPU again (SMP interleaving). */
  hartWoken(hart: HartImpl, resume: () => void): void;
  /** True when the hart, at a switch point now, should let another hart run (one waits for the CPU). */
  switchDue(hart: HartImpl): boolean;
  /** A switch point: @returns a promise for the hart's next turn when another hart is waiting to run, else null. */
  switchPoint(hart: HartImpl): Promise<void> | null;
  /** The hart stopped (power-off, reset, HSM stop): it gives up the CPU for good. */
  hartStopped(hart: HartImpl): void;
  readonly stats: { interrupts: number; exceptions: number; wfi: number };
}

const MAX_TRAP_DEPTH = 16;
const MAX_INTERRUPT_BURST = 1_000_000;
const NEVER = new Promise<never>(() => {});

export class HartImpl extends HartCsrs implements Hart {
  private handler: TrapHandler | null = null;
  private stopped: HartStopped | null = null;
  private depth = 0;
  private waiter: (() => void) | null = null;
  private readonly deny: readonly PmpDeny[];
  private readonly bus: PhysBus;

  constructor(
    hartid: number,
    mode: PrivMode,
    readonly ram: GuestRam,
    private readonly host: HartHost,
    deny: readonly PmpDeny[],
  ) {
    super(hartid, mode, host.clock, host.mtimer);
    this.bus = host.bus;
    this.deny = deny;
  }

  /** True while the hart waits in wfi. */
  get waiting(): boolean {
    return this.waiter !== null;
  }

  get isStopped(): boolean {
    return this.stopped !== null;
  }

  /** Power-off, reset or HSM stop: every later operation throws, a pending wfi never settles. */
  stop(reason: 'poweroff' | 'reset'): void {
    if (this.stopped) return;
    this.stopped = new HartStopped(reason);
    this.waiter = null;
    this.stopTimers();
    this.host.hartStopped(this);
  }

  private check(): void {
    if (this.stopped) throw this.stopped;
    this.instret++;
  }

  // ---- traps ----

  /** Takes a trap into the installed handler (hardware entry, handler, then sret/mret). */
  trap(code: number, interrupt: boolean, tval: number): void {
    if (!this.handler)
      throw new TrapPanic(
        `hart ${this.hartid}: ${interrupt ? 'interrupt' : 'exception'} ${code} (tval 0x${tval.toString(16)}) with no trap handler installed`,
      );
    if (this.depth >= MAX_TRAP_DEPTH)
      throw new TrapPanic(
        `hart ${this.hartid}: trap ${code} nested ${this.depth} deep: the trap handler keeps faulting`,
      );
    this.enterTrap(code, interrupt, tval);
    if (interrupt) this.host.stats.interrupts++;
    else this.host.stats.exceptions++;
    this.depth++;
    try {
      this.handler(code, interrupt, tval);
    } finally {
      this.depth--;
    }
    if (this.stopped) throw this.stopped;
    this.returnFromTrap();
  }

  /** Delivers every deliverable interrupt, as the hart would trap again right after each xRET. */
  takeInterrupts(): void {
    if (this.stopped) throw this.stopped;
    for (let n = 0; n < MAX_INTERRUPT_BURST; n++) {
      const cause = this.deliverable();
      if (cause < 0) return;
      this.trap(cause, true, 0);
    }
    throw new TrapPanic(
      `hart ${this.hartid}: interrupt storm: the handler does not clear the pending interrupt`,
    );
  }

  protected override interruptsChanged(): void {
    if (this.waiter && this.wakeable()) {
      const w = this.waiter;
      this.waiter = null;
      this.host.hartWoken(this, w);
    }
  }

  // ---- loads and stores ----

  /** Access fault; xtval is the address of the failing (sub-)access, as QEMU reports it. */
  private fault(load: boolean): void {
    this.trap(load ? C.EXC_LOAD_ACCESS_FAULT : C.EXC_STORE_ACCESS_FAULT, false, this.bus.faultAddr);
  }

  private load(pa: number, size: number): number {
    this.check();
    const v = this.bus.cpuLoad(pa, size, this.deny);
    if (v !== FAULT) return v;
    this.fault(true);
    return 0;
  }

  private store(pa: number, size: number, value: number): void {
    this.check();
    const ok = this.bus.cpuStore(pa, size, value, this.deny);
    if (this.stopped) throw this.stopped; // the store powered the machine off or reset it
    if (!ok) this.fault(false);
  }

  load8(pa: number): number {
    return this.load(pa, 1);
  }
  load16(pa: number): number {
    return this.load(pa, 2);
  }
  load32(pa: number): number {
    return this.load(pa, 4);
  }
  load64(pa: number): bigint {
    this.check();
    const v = this.bus.cpuLoad64(pa, this.deny);
    if (v !== null) return v;
    this.fault(true);
    return 0n;
  }
  store8(pa: number, value: number): void {
    this.store(pa, 1, value & 0xff);
  }
  store16(pa: number, value: number): void {
    this.store(pa, 2, value & 0xffff);
  }
  store32(pa: number, value: number): void {
    this.store(pa, 4, value >>> 0);
  }
  store64(pa: number, value: bigint): void {
    this.check();
    const ok = this.bus.cpuStore64(pa, value, this.deny);
    if (this.stopped) throw this.stopped;
    if (!ok) this.fault(false);
  }

  // ---- CSRs ----

  private illegal(csr: number, op: 'r' | 'w' | 's' | 'c'): number {
    this.trap(C.EXC_ILLEGAL_INSTRUCTION, false, csrInstruction(csr, op));
    return 0;
  }

  csrr(csr: number): number {
    this.check();
    // `time` (every clock_gettime reads it) is readable in every mode, as readCsr says; answered
    // here, out of readCsr's large switch, which V8 deoptimises when a rarely read CSR comes along.
    if (csr === C.CSR_TIME) return this.mtimer.mtimeNumber();
    const v = this.readCsr(csr);
    return v === ILLEGAL ? this.illegal(csr, 'r') : v;
  }

  csrw(csr: number, value: number): void {
    this.check();
    if (this.readCsr(csr) === ILLEGAL || !this.writeCsr(csr, value)) {
      this.illegal(csr, 'w');
      return;
    }
    this.afterCsrWrite(csr);
  }

  csrs(csr: number, mask: number): number {
    return this.csrModify(csr, mask, 's');
  }

  csrc(csr: number, mask: number): number {
    return this.csrModify(csr, mask, 'c');
  }

  private csrModify(csr: number, mask: number, op: 's' | 'c'): number {
    this.check();
    const old = this.readCsr(csr);
    if (old === ILLEGAL) return this.illegal(csr, op);
    let next: number;
    if (HartCsrs.wide(csr)) {
      const o = BigInt.asUintN(64, BigInt(Math.trunc(old)));
      const m = BigInt.asUintN(64, BigInt(Math.trunc(mask)));
      next = Number(op === 's' ? o | m : o & ~m);
    } else next = op === 's' ? (old | mask) >>> 0 : (old & ~mask) >>> 0;
    if (!this.writeCsr(csr, next)) return this.illegal(csr, op);
    this.afterCsrWrite(csr);
    return old;
  }

  /** Writing xstatus/xie/xip may enable a pending interrupt: the hart takes it at once. */
  private afterCsrWrite(csr: number): void {
    if (
      csr === C.CSR_SSTATUS ||
      csr === C.CSR_MSTATUS ||
      csr === C.CSR_SIE ||
      csr === C.CSR_MIE ||
      csr === C.CSR_SIP ||
      csr === C.CSR_MIP
    )
      this.takeInterrupts();
  }

  // ---- ecall, trap vector ----

  ecall(eid: number, fid: number, ...args: number[]): SbiRet {
    this.check();
    if (this.mode === 'M') {
      this.trap(C.EXC_ECALL_M, false, 0);
      return { error: SBI_ERR_NOT_SUPPORTED, value: 0 };
    }
    const ret = this.host.sbiCall(this, eid, fid, args);
    if (this.stopped) throw this.stopped;
    return ret;
  }

  setTrapVector(handler: TrapHandler): void {
    this.check();
    this.handler = handler;
  }

  // ---- wfi / poll ----

  wfi(): Promise<void> {
    this.check();
    this.host.stats.wfi++;
    this.clock.runDue();
    if (this.stopped) return NEVER;
    if (this.wakeable()) {
      this.takeInterrupts();
      return this.turns() ?? Promise.resolve();
    }
    const woke = new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
    this.host.hartWaiting(this);
    return woke.then(() => {
      if (this.stopped) return NEVER;
      this.takeInterrupts();
    });
  }

  poll(): Promise<void> | null {
    this.check();
    this.clock.runDue();
    this.takeInterrupts();
    return this.turns();
  }

  /**
   * The host's turn when due (host time), and the switch point. Whether to switch is decided here and
   * now, before any host turn, and the switch follows the host turn: host timing never changes the
   * interleaving of the harts.
   */
  private turns(): Promise<void> | null {
    const switching = this.host.switchDue(this);
    const host = this.host.hostTurn(this);
    if (!switching) return host;
    if (host) return host.then(() => this.switchPoint() ?? undefined);
    return this.switchPoint();
  }

  /** Lets another hart run when one waits (SMP); back on this hart, the interrupt window reopens. */
  private switchPoint(): Promise<void> | null {
    const turn = this.host.switchPoint(this);
    if (!turn) return null;
    return turn.then(() => {
      if (this.stopped) return NEVER;
      this.clock.runDue();
      this.takeInterrupts();
    });
  }
}
