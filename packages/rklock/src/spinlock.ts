// Spinlock (uk_spinlock): interrupt save/restore plus a holder record that turns the deadlocks a real
// spinlock would hang on (taken twice on one hart; held across a park while another hart spins, which
// on interleaved harts never lets the holder run again) into precise errors.
import { Errno, RkError } from '@runikraft/errno';
import type { RkPlatLcpu } from '@runikraft/rkplat';

export class RkSpinlock {
  /** The holding hart's id, or -1. */
  private holder = -1;

  constructor(
    private readonly lcpu: RkPlatLcpu,
    readonly name = 'spinlock',
  ) {}

  get locked(): boolean {
    return this.holder >= 0;
  }

  /**
   * Disables interrupts and takes the lock. Never parks.
   * @returns the flags for unlockIrqRestore.
   * @throws RkError EDEADLK when the lock is held: by this hart (taken twice), or by another hart whose
   * holder parked with it held (harts interleave on one host thread, so spinning would never end).
   */
  lockIrqSave(): number {
    const flags = this.lcpu.irqSave();
    if (this.holder >= 0) {
      const self = this.lcpu.id();
      this.lcpu.irqRestore(flags);
      throw new RkError(
        Errno.EDEADLK,
        this.holder === self
          ? `rklock: ${this.name} taken twice on hart ${self} (would spin forever)`
          : `rklock: ${this.name} wanted on hart ${self} is held by hart ${this.holder}, whose holder parked with it held (a spinlock holder must not reach a preemption point)`,
      );
    }
    this.holder = this.lcpu.id();
    return flags;
  }

  /** Releases the lock and restores `flags`. @throws RkError EPERM when the lock is not held. */
  unlockIrqRestore(flags: number): void {
    if (this.holder < 0)
      throw new RkError(Errno.EPERM, `rklock: ${this.name} released while not held`);
    this.holder = -1;
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
