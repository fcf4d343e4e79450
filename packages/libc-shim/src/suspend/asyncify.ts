// Blocking calls for a program transformed by binaryen's asyncify pass (`wasm-opt --asyncify`): an
// import that must wait returns a Promise; the runner unwinds the wasm stack into a save area,
// awaits, rewinds and re-enters, and the import then returns the settled value. To the C program
// the call simply blocked, while the kernel ran other threads.

/** The asyncify exports binaryen adds. */
interface AsyncifyExports {
  asyncify_start_unwind(data: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(data: number): void;
  asyncify_stop_rewind(): void;
  asyncify_get_state(): number;
}

const UNWINDING = 1;

export const isAsyncified = (exports: WebAssembly.Exports): boolean =>
  typeof exports.asyncify_start_unwind === 'function' &&
  typeof exports.asyncify_get_state === 'function';

type Import = (...a: never[]) => unknown;

export class AsyncifyRunner {
  private ax!: AsyncifyExports;
  private memory!: WebAssembly.Memory;
  private data = 0;
  private pending: PromiseLike<unknown> | null = null;
  private settled: unknown;
  private failed = false;
  /** A rewind is under way: the next import call is the one that suspended (kept here rather than
   * asked of the program with asyncify_get_state, a call into wasm on every import). */
  private rewinding = false;
  /** Suspensions so far (a measure of how often the program blocked). */
  suspensions = 0;

  constructor(private readonly stackBytes = 1 << 20) {}

  /** Wraps an import so a Promise result suspends the program instead of reaching wasm. */
  wrap(fn: Import): Import {
    return (...args: never[]) => {
      if (this.rewinding) {
        this.rewinding = false;
        this.ax.asyncify_stop_rewind();
        const v = this.settled;
        this.settled = undefined;
        if (this.failed) {
          this.failed = false;
          throw v;
        }
        return v;
      }
      const r = fn(...args);
      if (
        r === null ||
        typeof r !== 'object' ||
        typeof (r as PromiseLike<unknown>).then !== 'function'
      )
        return r;
      this.pending = r as PromiseLike<unknown>;
      const dv = new DataView(this.memory.buffer);
      dv.setUint32(this.data, this.data + 8, true);
      dv.setUint32(this.data + 4, this.data + this.stackBytes, true);
      this.ax.asyncify_start_unwind(this.data);
      return 0;
    };
  }

  /**
   * Binds to the instance: reserves the save area as fresh pages at the end of its memory (the
   * program's malloc asks memory.grow for its heap, so it never hands these pages out).
   */
  attach(exports: WebAssembly.Exports, memory: WebAssembly.Memory): void {
    this.ax = exports as unknown as AsyncifyExports;
    this.memory = memory;
    const pages = Math.ceil((this.stackBytes + 8) / 65536);
    const at = memory.grow(pages);
    this.data = at * 65536;
  }

  /** Calls export `fn`, driving every suspension to completion. */
  async call(fn: (...a: unknown[]) => unknown, ...args: unknown[]): Promise<unknown> {
    let r = fn(...args);
    while (this.ax.asyncify_get_state() === UNWINDING) {
      this.ax.asyncify_stop_unwind();
      this.suspensions++;
      const p = this.pending!;
      this.pending = null;
      try {
        this.settled = await p;
      } catch (e) {
        this.settled = e;
        this.failed = true;
      }
      this.ax.asyncify_start_rewind(this.data);
      this.rewinding = true;
      r = fn(...args);
    }
    return r;
  }
}
