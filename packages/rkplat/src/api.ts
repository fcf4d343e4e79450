// The platform API (counterpart of Unikraft's ukplat: include/uk/plat/*.h).
// Every platform implements RkPlat; the rest of the kernel reaches hardware only through it.

/** Kinds of physical memory region (ukplat_memregion_desc.type). */
export type RkMemRegionType = 'free' | 'reserved' | 'kernel' | 'devicetree' | 'initrd';

/** One physical memory region. Addresses are guest-physical. */
export interface RkMemRegion {
  readonly pbase: number;
  readonly len: number;
  readonly type: RkMemRegionType;
  /** Who owns or described it ("memory", "dtb", "reserved-memory/mmode_resv0", ...). */
  readonly name: string;
}

/** Guest RAM, for code that keeps data in guest memory (allocators, rings, drivers' DMA). */
export interface RkPhysMem {
  readonly buffer: SharedArrayBuffer;
  /** Physical address of `u8[0]`. */
  readonly base: number;
  readonly size: number;
  readonly u8: Uint8Array;
  readonly view: DataView;
}

export interface RkPlatMemory {
  /** All regions, sorted by address, non-overlapping. */
  regions(): readonly RkMemRegion[];
  /** Guest RAM views. */
  readonly phys: RkPhysMem;
}

export interface RkPlatConsole {
  /** Writes bytes or a string (UTF-8) to the console; returns bytes written. */
  out(data: string | Uint8Array): number;
  /** Copies up to `buf.length` pending input bytes into `buf`; returns the count (0 = none). Never blocks. */
  in(buf: Uint8Array): number;
  /** Called from IRQ context when input arrives. One listener; `null` removes it. */
  onInput(listener: (() => void) | null): void;
}

export interface RkPlatTime {
  /** Nanoseconds since boot (monotonic). */
  monotonicNs(): number;
  /**
   * The coarse monotonic clock (Linux's CLOCK_MONOTONIC_COARSE): {@link monotonicNs}'s value at the
   * latest clock read or timer interrupt, returned without touching the timer. For stamps that may
   * lag (file times): it stays behind the clock by the time since the kernel last read it, and is
   * never ahead of it. Its granularity is how often the kernel reads the clock while it runs (the
   * scheduler at each switch and timer, libc-shim's import preemption at each check: ~0.5 ms apart
   * with preempt_ms=1). Never decreases.
   */
  coarseMonotonicNs(): number;
  /** Nanoseconds since the Unix epoch (wall clock, from the RTC). */
  wallClockNs(): bigint;
  /** Resolution of the monotonic clock in ns (100 on a 10 MHz timebase). */
  readonly resolutionNs: number;
  /**
   * Arms the one-shot platform timer to fire `handler` (IRQ context) at monotonic `deadlineNs`.
   * One timer: arming again replaces the previous deadline and handler. A past deadline fires at the
   * next interrupt window.
   */
  setTimer(deadlineNs: number, handler: () => void): void;
  /** Disarms the one-shot timer. */
  cancelTimer(): void;
}

/** An interrupt handler; returns true if it handled the interrupt (stops the chain). */
export type RkIrqHandler = (irq: number) => boolean;

export interface RkPlatIrq {
  /**
   * Adds a handler to the end of the chain of `irq` and enables the line. Handlers run in registration
   * order until one returns true; a chain changed while its line is being dispatched (a handler removing
   * itself) takes effect from the next interrupt. @returns 0, or -EINVAL for an invalid line.
   */
  register(irq: number, handler: RkIrqHandler): number;
  /** Removes a handler; the line is masked when its chain is empty. @returns 0 or -ENOENT. */
  unregister(irq: number, handler: RkIrqHandler): number;
  /** Interrupts dispatched per line since boot. */
  count(irq: number): number;
}

export interface RkPlatLcpu {
  /** Index of this CPU (hart id). */
  id(): number;
  /** Number of CPUs the platform describes. */
  count(): number;
  /** Halts until an interrupt arrives; pending interrupts are handled before it returns. */
  halt(): Promise<void>;
  /** Halts until an interrupt or monotonic `deadlineNs`, whichever comes first. */
  haltUntil(deadlineNs: number): Promise<void>;
  irqEnable(): void;
  irqDisable(): void;
  /** Disables interrupts and returns the previous state for {@link irqRestore}. */
  irqSave(): number;
  irqRestore(flags: number): void;
  irqsDisabled(): boolean;
  /**
   * Preemption point: takes pending interrupts. Returns a promise to await when the host is due a
   * turn for its I/O, else null (cheap).
   */
  poll(): Promise<void> | null;
  /**
   * Starts secondary CPU `cpu` running `entry` (ukplat_lcpu_start + ukplat_lcpu_run); on it `id()`
   * returns `cpu` and interrupts are enabled; the CPU stops when `entry` returns. Optional: a
   * platform without SMP omits it. CPUs share one host thread: one runs at a time and another runs
   * only when it halts or reaches a preemption point ({@link poll}).
   * @returns 0, -EINVAL (no such CPU) or -EALREADY (it runs or is starting).
   */
  start?(cpu: number, entry: () => Promise<void> | void): number;
  /**
   * Sends an inter-processor interrupt to `cpu`, ending its halt (ukplat_lcpu_wakeup). Optional, as
   * {@link start}. @returns 0 or -EINVAL (not a running CPU). May run in IRQ context.
   */
  wakeup?(cpu: number): number;
  /**
   * Installs the kernel's halt guard for this CPU (a scheduler installs one): {@link halt} and
   * {@link haltUntil} ask it first and, when it returns an error, reject with that error instead of
   * halting — so a thread that calls them fails loudly rather than stalling every other thread.
   * Optional: a platform without it halts unconditionally.
   */
  setHaltGuard?(guard: RkHaltGuard | null): void;
}

/** Decides whether the CPU may halt now: null to halt, or the error a halt call rejects with. */
export type RkHaltGuard = (op: 'halt' | 'haltUntil') => Error | null;

export interface RkPlatPower {
  /** Powers the machine off with an exit status (0 = success). Never returns. */
  shutdown(status: number): never;
  /** Resets the machine. Never returns. */
  restart(): never;
  /** Powers off reporting failure (status 1 unless given). Never returns. */
  crash(status?: number): never;
}

export interface RkBootInfo {
  /** Kernel command line (`-append`, `/chosen/bootargs`), "" if none. */
  readonly cmdline: string;
  /** Physical address and bytes of the flattened device tree. */
  readonly dtbAddr: number;
  readonly dtb: Uint8Array;
  /** initrd, if the loader gave one (`/chosen/linux,initrd-start/end`). */
  readonly initrd: { readonly start: number; readonly end: number } | null;
  /** Name of the boot mode ("sbi" = S-mode under firmware, "bare" = M-mode, `-bios none`). */
  readonly bootMode: 'sbi' | 'bare';
}

/** A device described by the platform (a device-tree node). */
export interface RkDevNode {
  readonly path: string;
  readonly name: string;
  readonly compatible: readonly string[];
  readonly reg: readonly { readonly addr: number; readonly size: number }[];
  /** Interrupt lines on the platform's interrupt controller. */
  readonly interrupts: readonly number[];
  /** Raw property bytes, by name. */
  prop(name: string): Uint8Array | undefined;
}

export interface RkPlatDevices {
  /** Nodes whose `compatible` lists `compatible`, in device-tree order. */
  find(compatible: string): RkDevNode[];
  /** Every node with a `compatible` property. */
  all(): RkDevNode[];
  /** Reads a device register (MMIO). `width` in bytes: 1, 2 or 4. */
  read(addr: number, width: 1 | 2 | 4): number;
  /** Writes a device register (MMIO). */
  write(addr: number, width: 1 | 2 | 4, value: number): void;
}

/** A platform: everything the kernel knows about the machine it runs on. */
export interface RkPlat {
  /** Platform name ("qemu-riscv"). */
  readonly name: string;
  readonly memory: RkPlatMemory;
  readonly console: RkPlatConsole;
  readonly time: RkPlatTime;
  readonly irq: RkPlatIrq;
  readonly lcpu: RkPlatLcpu;
  readonly power: RkPlatPower;
  readonly bootinfo: RkBootInfo;
  readonly devices: RkPlatDevices;
}
