// Spinlock (uk_spinlock) on one hart: interrupt save/restore plus a held flag that turns the
// self-deadlock a real spinlock would hang on into a precise error.
import type { RkPlatLcpu } from '@runikraft/rkplat';

export class RkSpinlock {
  private held = false;

  constructor(
    private readonly lcpu: RkPlatLcpu,
    readonly name = 'spinlock',
  ) {}

  get locked(): boolean {
    return this.held;
  }

  /** Disables interrupts and takes the lock. @returns the flags for unlockIrqRestore. Never parks. */
  lockIrqSave(): number {
    const flags = this.lcpu.irqSave();
    if (this.held) {
      this.lcpu.irqRestore(flags);
      throw new Error(`rklock: ${this.name} taken twice on one hart (would spin forever)`);
    }
    this.held = true;
    return flags;
  }

  unlockIrqRestore(flags: number): void {
    if (!this.held) throw new Error(`rklock: ${this.name} released while not held`);
    this.held = false;
    this.lcpu.irqRestore(flags);
  }

  /** Runs `fn` with the lock held and interrupts off. */
  with<T>(fn: () => T): T {
    const f = this.lockIrqSave();
    try {
      return fn();
    } finally {
      this.unlockIrqRestore(f);
    }
  }
}
