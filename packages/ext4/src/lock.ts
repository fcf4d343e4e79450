// One writer at a time: a change parks on the device in the middle (bitmap read, block write-back),
// and another thread's change must not see the half-done state. A FIFO of waiters on guest promises.
export class Ext4Lock {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` after every earlier holder finished. @returns what fn returns. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => {
      release = r;
    });
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
