// Errors a hart raises into the machine when the guest cannot continue (REFERENCE has no counterpart:
// on QEMU such a hart would spin at an unmapped trap vector; the model reports it and stops instead).

/** A trap the guest cannot take: no handler installed, runaway recursion, or an interrupt storm. */
export class TrapPanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrapPanic';
  }
}
