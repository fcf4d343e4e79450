// How a driver parks a caller until its interrupt handler reports progress: a scheduler wait queue
// when rksched runs and we are in a thread, else halting the CPU until the next interrupt.
import type { RkPlat } from '@runikraft/rkplat';

/** The part of rksched a driver waits with (virtio does not require rksched). */
export interface RkSchedLike {
  currentOrNull(): unknown;
  waitQueue(): { waitEvent(cond: () => boolean): Promise<number>; wakeAll(): number };
}

/** Parks a driver's caller until its interrupt handler reports progress. */
export class DriverWaiter {
  private wq: ReturnType<RkSchedLike['waitQueue']> | null = null;
  private boundTo: RkSchedLike | undefined;

  /** `sched` is looked up at each wait: the scheduler may register after the driver (same init level). */
  constructor(
    private readonly plat: RkPlat,
    private readonly schedOf: () => RkSchedLike | undefined,
  ) {}

  private get sched(): RkSchedLike | undefined {
    const s = this.schedOf();
    if (s !== this.boundTo) {
      this.boundTo = s;
      this.wq = s?.waitQueue() ?? null;
    }
    return s;
  }

  /** One round of waiting: the next wake-up or interrupt. */
  async once(): Promise<void> {
    if (this.sched?.currentOrNull() && this.wq) {
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
