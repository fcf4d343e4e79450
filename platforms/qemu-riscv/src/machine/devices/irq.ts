// Interrupt wires between devices, the PLIC and the harts (QEMU's qemu_irq): a raise is delivered on every
// call, even when the level does not change, because QEMU's PLIC latches pending on each raise (§10).

/** One interrupt line into a controller. */
export type IrqLine = (level: boolean) => void;

/** A hart's interrupt inputs, by mip bit (IRQ_* cause numbers). */
export interface HartIrqSink {
  setIrqLine(cause: number, level: boolean): void;
}
