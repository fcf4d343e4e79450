// The hart as the kernel sees it: the only door between guest software and the machine.
// DESIGN.md §2: plat/ and packages/ reach hardware solely through this object.

/** Privilege mode the kernel runs in: S under the SBI firmware (default), M with `-bios none`. */
export type PrivMode = 'M' | 'S';

/** Guest RAM as typed views; index with `pa - base`. */
export interface GuestRam {
  /** The SharedArrayBuffer behind all of guest RAM. */
  readonly buffer: SharedArrayBuffer;
  /** Physical address of the first byte (0x8000_0000 on `virt`). */
  readonly base: number;
  /** Size in bytes (`-m`). */
  readonly size: number;
  readonly u8: Uint8Array;
  /** Little-endian accessors over the same bytes. */
  readonly view: DataView;
}

/** Result of an SBI call: `a0` = error (SBI_SUCCESS = 0 or a negative SBI error), `a1` = value. */
export interface SbiRet {
  error: number;
  value: number;
}

/**
 * Trap handler the kernel installs with {@link Hart.setTrapVector}. Called synchronously by the hart
 * with interrupts globally disabled (xIE moved to xPIE, as the hardware does) and re-enabled on return.
 * `interrupt` distinguishes interrupts (code = IRQ_* cause) from exceptions (code = EXC_*).
 */
export type TrapHandler = (code: number, interrupt: boolean, tval: number) => void;

/** Thrown by every hart operation once the machine has powered off or reset: unwinds the guest. */
export class HartStopped extends Error {
  constructor(readonly reason: 'poweroff' | 'reset') {
    super(`hart stopped (${reason})`);
    this.name = 'HartStopped';
  }
}

/**
 * Type guard for {@link HartStopped}; kernel `catch` blocks must rethrow it. By name, not
 * instanceof: the guest realm and the machine's realm each have their own Error.
 */
export function isHartStopped(e: unknown): e is HartStopped {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'HartStopped';
}

/**
 * One RISC-V hart of the machine, as handed to the image entry `(hart, a0 = hartid, a1 = dtb pa)`.
 * Loads and stores go through the physical bus (RAM, MMIO); a hole, a wrong width or a PMP-denied
 * device raises an access-fault trap to the installed handler, and the access then reads 0. So does an
 * address that is not a safe non-negative integer (NaN, ±Infinity, a fraction, a negative, ≥ 2^53),
 * with xtval 0; a refused store writes nothing.
 */
export interface Hart {
  readonly hartid: number;
  /** Privilege mode the kernel runs in. */
  readonly mode: PrivMode;
  /** Direct views of guest RAM (DMA-coherent with the devices). */
  readonly ram: GuestRam;

  load8(pa: number): number;
  load16(pa: number): number;
  load32(pa: number): number;
  load64(pa: number): bigint;
  store8(pa: number, value: number): void;
  store16(pa: number, value: number): void;
  store32(pa: number, value: number): void;
  store64(pa: number, value: bigint): void;

  /** csrr; an unknown CSR or one of a higher privilege raises an illegal-instruction trap. */
  csrr(csr: number): number;
  /** csrw. Enabling interrupts (xstatus.xIE, xie bits) takes any pending one immediately. */
  csrw(csr: number, value: number): void;
  /** csrs: set bits; returns the old value. */
  csrs(csr: number, mask: number): number;
  /** csrc: clear bits; returns the old value. */
  csrc(csr: number, mask: number): number;

  /** ecall from S-mode into the SBI firmware (a7 = eid, a6 = fid, a0..a5 = args). */
  ecall(eid: number, fid: number, ...args: number[]): SbiRet;

  /**
   * wfi: resolves once an interrupt is pending and locally enabled (xie), whatever xstatus.xIE says.
   * If interrupts are globally enabled the trap handler has run by the time it resolves.
   */
  wfi(): Promise<void>;

  /**
   * A preemption check: takes pending enabled interrupts now. Returns a promise the caller must await
   * when the host is due a turn (host I/O runs at least once per millisecond under load) or, with
   * `-smp` > 1, when another hart waits to run (it runs until its own wfi or poll), else null.
   */
  poll(): Promise<void> | null;

  /** Installs the trap handler (the xtvec of this model). */
  setTrapVector(handler: TrapHandler): void;
}

/**
 * Where a secondary hart enters the image under the SBI firmware: SBI HSM `hart_start(hartid,
 * start_addr, opaque)` runs it on the started hart with `a0 = hartid`, `a1 = opaque`. The model has no
 * code at guest addresses, so every start address S-mode may execute stands for this one function.
 */
export type SecondaryEntry = (hart: Hart, a0: number, a1: number) => void | Promise<void>;

/**
 * The image's entry point, called by the boot ROM / firmware: with the SBI firmware on the boot hart
 * (`a0 = hartid`, `a1 = device-tree address`), with `-bios none` on every hart at reset (the kernel
 * parks the secondaries by hartid, as on QEMU). Its optional `secondary` member is the image's
 * {@link SecondaryEntry} (an image without one cannot start secondaries through HSM: `hart_start` fails
 * with SBI_ERR_INVALID_ADDRESS). Harts share one host thread: one runs at a time and the CPU passes to
 * another only at `wfi()` and `poll()` (DESIGN.md §4).
 */
export type ImageEntry = ((hart: Hart, a0: number, a1: number) => void | Promise<void>) & {
  readonly secondary?: SecondaryEntry;
};
