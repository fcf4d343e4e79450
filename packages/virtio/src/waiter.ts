// How a driver parks a caller until its interrupt handler reports progress: a scheduler wait queue
// when rksched runs and we are in a thread, else halting the CPU until the next interrupt.
import type { RkPlat } from '@runikraft/rkplat';

export interface RkSchedLike {
  currentOrNull(): unknown;
  waitQueue(): { waitEvent(cond: () => boolean): Promise<number>; wakeAll(): number };
}

export class DriverWaiter {
  private wq: ReturnType<RkSchedLike['waitQueue']> | null = null;

  constructor(
    private readonly plat: RkPlat,
    private readonly sched: RkSchedLike | undefined,
  ) {
    this.wq = sched?.waitQueue() ?? null;
  }

  /** Parks until `cond()` holds. Re-checks after every wake-up / interrupt. */
  async until(cond: () => boolean): Promise<void> {
    if (cond()) return;
    if (this.wq && this.sched?.currentOrNull()) {
      await this.wq.waitEvent(cond);
      return;
    }
    while (!cond()) await this.plat.lcpu.halt();
  }

  /** One round of waiting: the next wake-up or interrupt. */
  async once(): Promise<void> {
    if (this.wq && this.sched?.currentOrNull()) {
      let woke = false;
      await this.wq.waitEvent(() => {
        const w = woke;
        woke = true;
        return w;
      });
      return;
    }
    await this.plat.lcpu.halt();
  }

  /** IRQ context: wakes parked threads. */
  wake(): void {
    this.wq?.wakeAll();
  }
}
