// Blocking calls for a program transformed by binaryen's asyncify pass (`wasm-opt --asyncify`): an
// import that must wait returns a Promise; the runner unwinds the wasm stack into a save area,
// awaits, rewinds and re-enters, and the import then returns the settled value. To the C program
// the call simply blocked, while the kernel ran other threads. Imports whose call sites asyncify
// instrumented also count down to a preemption point (preempt.ts), suspending the same way.
import { ImportPreemption } from './preempt';

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

/** A host function given to a module as an import. */
export type WasmImport = (...a: never[]) => unknown;

/** The address an exported data symbol stands for (an i32 global), or null. */
function address(g: unknown): number | null {
  // Duck-typed: the instance may come from another realm's WebAssembly.
  const v = (g as { value?: unknown } | undefined)?.value;
  return typeof v === 'number' ? v >>> 0 : null;
}

export class AsyncifyRunner {
  private ax!: AsyncifyExports;
  private memory!: WebAssembly.Memory;
  private data = 0;
  private end = 0;
  private pending: PromiseLike<unknown> | null = null;
  private settled: unknown;
  private failed = false;
  /** A rewind is under way: the next import call is the one that suspended (kept here rather than
   * asked of the program with asyncify_get_state, a call into wasm on every import). */
  private rewinding = false;
  /** Suspensions so far for blocking calls (a measure of how often the program blocked). */
  suspensions = 0;
  /** Preemption at import calls (default: never); set before the imports are wrapped. */
  preempt = new ImportPreemption(null, 0);
  /** The pending suspension is a preemption, not a blocking call. */
  private preempting = false;
  /**
   * Told when the save area was grown (a program without rk's area, at its first suspension): the
   * import that suspended finishes after that, so the imports' views of memory must be rebuilt.
   */
  onGrow: (() => void) | null = null;

  constructor(private readonly stackBytes = 1 << 20) {}

  /**
   * Wraps an import so a Promise result suspends the program instead of reaching wasm. With
   * `preemptible` (the import's call sites are instrumented) the call also counts towards a
   * preemption point.
   */
  wrap(fn: WasmImport, preemptible = false): WasmImport {
    if (preemptible) return this.wrapPreemptible(fn);
    // Fixed parameters (no preview1 import has more than 9): a rest array and a spread would be an
    // allocation and a copy on every call.
    if (fn.length <= 9)
      return (
        a: never,
        b: never,
        c: never,
        d: never,
        e: never,
        f: never,
        g: never,
        h: never,
        i: never,
      ) => (this.rewinding ? this.resumed() : this.suspendOn(fn(a, b, c, d, e, f, g, h, i)));
    return (...args: never[]) => (this.rewinding ? this.resumed() : this.suspendOn(fn(...args)));
  }

  private wrapPreemptible(fn: WasmImport): WasmImport {
    if (fn.length <= 9)
      return (
        a: never,
        b: never,
        c: never,
        d: never,
        e: never,
        f: never,
        g: never,
        h: never,
        i: never,
      ) => (this.rewinding ? this.resumed() : this.counted(fn(a, b, c, d, e, f, g, h, i)));
    return (...args: never[]) => (this.rewinding ? this.resumed() : this.counted(fn(...args)));
  }

  /** As suspendOn, and a synchronous result counts down to a preemption point. */
  private counted(r: unknown): unknown {
    if (r !== null && typeof r === 'object') return this.suspendOn(r);
    if (--this.preempt.left > 0) return r;
    const p = this.preempt.due(r);
    if (p === r) return r;
    this.preempting = true;
    return this.suspendOn(p);
  }

  /** The call that suspended, re-entered by the rewind: its settled value (or error). */
  private resumed(): unknown {
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

  /** `r` itself, or for a Promise: starts unwinding the program until it settles. */
  private suspendOn(r: unknown): unknown {
    if (
      r === null ||
      typeof r !== 'object' ||
      typeof (r as PromiseLike<unknown>).then !== 'function'
    )
      return r;
    this.pending = r as PromiseLike<unknown>;
    this.area();
    const dv = new DataView(this.memory.buffer);
    dv.setUint32(this.data, this.data + 8, true);
    dv.setUint32(this.data + 4, this.end, true);
    this.ax.asyncify_start_unwind(this.data);
    return 0;
  }

  /**
   * Binds to the instance. The save area must be memory the program never uses: wasi-libc's malloc
   * claims everything from `__heap_base` to the end of memory as it is when malloc first runs, so
   * pages grown here before `_start` would be handed out as heap and every suspension would
   * overwrite it. rk build reserves the area in the program's own data and exports it
   * (`__rk_asyncify_area`, its size in `__rk_asyncify_area_size`); for a program without those
   * exports pages are grown at its first suspension, after its malloc has normally set up.
   */
  attach(exports: WebAssembly.Exports, memory: WebAssembly.Memory): void {
    this.ax = exports as unknown as AsyncifyExports;
    this.memory = memory;
    const at = address(exports.__rk_asyncify_area);
    const size = address(exports.__rk_asyncify_area_size);
    if (at === null || size === null) return;
    const bytes = new DataView(memory.buffer).getUint32(size, true);
    if (bytes < 4096 || at + bytes > memory.buffer.byteLength)
      throw new Error(`the program's save area [${at}, +${bytes}) is not inside its memory`);
    this.data = at;
    this.end = at + bytes;
  }

  /** The save area's address; grown on first use when the program brought none. */
  private area(): number {
    if (!this.data) {
      try {
        this.data = this.memory.grow(Math.ceil((this.stackBytes + 8) / 65536)) * 65536;
      } catch (e) {
        throw new Error(`no memory for the blocking-call save area: ${(e as Error).message}`);
      }
      this.end = this.data + this.stackBytes;
      this.onGrow?.();
    }
    return this.data;
  }

  /** Calls export `fn`, driving every suspension to completion. */
  async call(fn: (...a: unknown[]) => unknown, ...args: unknown[]): Promise<unknown> {
    let r = fn(...args);
    while (this.ax.asyncify_get_state() === UNWINDING) {
      this.ax.asyncify_stop_unwind();
      if (this.preempting) this.preempting = false;
      else this.suspensions++;
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
