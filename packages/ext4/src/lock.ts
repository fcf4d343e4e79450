// One writer at a time: a change parks on the device in the middle (bitmap read, block write-back),
// and another thread's change must not see the half-done state. A FIFO of waiters on guest promises;
// a change that finds the lock free runs at once and, when it never waits, answers without one.
import { type RkFsResult, type RkFsSteps, runSteps } from '@runikraft/vfscore';

export class Ext4Lock {
  private tail: Promise<void> = Promise.resolve();
  /** Holders and waiters: changes not finished yet. */
  private users = 0;

  /**
   * Nobody holds or waits for the lock: a change that completes without parking (no await) may run
   * now instead of through run(), as no other change can interleave with it.
   */
  get free(): boolean {
    return this.users === 0;
  }

  /** Runs `fn` after every earlier holder finished. @returns what fn returns. */
  async run<T>(fn: () => RkFsResult<T>): Promise<T> {
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

  /**
   * Runs the step generator `make()` makes under the lock: at once when the lock is free — its
   * value itself when no step waited (nothing else ran meanwhile), else a Promise, the lock held
   * until it settles — or after every earlier holder, as run().
   */
  steps<T>(make: () => RkFsSteps<T>): RkFsResult<T> {
    if (this.users !== 0) return this.run(() => runSteps(make()));
    this.users++;
    let r: RkFsResult<T>;
    try {
      r = runSteps(make());
    } catch (e) {
      this.users--;
      throw e;
    }
    if (!(r instanceof Promise)) {
      this.users--;
      return r;
    }
    let release!: () => void;
    this.tail = new Promise<void>((res) => {
      release = res;
    });
    return r.finally(() => {
      this.users--;
      release();
    });
  }
}
