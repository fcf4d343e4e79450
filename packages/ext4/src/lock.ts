// One writer at a time: a change parks on the device in the middle (bitmap read, block write-back),
// and another thread's change must not see the half-done state. A FIFO of waiters on guest promises.
export class Ext4Lock {
  private tail: Promise<void> = Promise.resolve();
  /** Holders and waiters: run() calls not finished yet. */
  private users = 0;

  /**
   * Nobody holds or waits for the lock: a change that completes without parking (no await) may run
   * now instead of through run(), as no other change can interleave with it.
   */
  get free(): boolean {
    return this.users === 0;
  }

  /** Runs `fn` after every earlier holder finished. @returns what fn returns. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => {
      release = r;
    });
    this.users++;
    await prev;
    try {
      return await fn();
    } finally {
      this.users--;
      release();
    }
  }
}
