// Preemption at import-call boundaries. A program that computes without blocking would otherwise
// keep the CPU until it exits: other threads wait, and a booted machine gets no host turn (no
// console input, timers or device interrupts). So every import call counts down, and when the
// count runs out the program reaches a preemption point of the scheduler (takes pending interrupts,
// gives the host a turn when ≥1 ms passed, switches when its slice ended). If that wants the CPU
// the import's result comes back through a Promise: the program suspends exactly as for a blocking
// call and resumes with the result when the scheduler runs it again.
//
// The count is what keeps the per-call cost a decrement: the clock is read only when it runs out,
// and the next count is sized from the rate of calls just seen, so that checks come about twice
// per interval however fast or slow the program calls. A program that stays inside wasm without
// calling an import is not preempted: nothing runs to look at the clock.
import { WASIX, WASIX_BLOCKING } from '../wasi/fds-ext';

/** What preemption needs of the scheduler (RkSched's members of the same names). */
export interface RkPreemptSched {
  now(): number;
  preemptPoint(): Promise<void> | undefined;
}

/** Most calls between two checks: bounds how long a rate that suddenly fell goes unnoticed. */
export const PREEMPT_MAX_CALLS = 128;
/** The count when preemption is off: large, kept a small integer (a Smi for V8). */
const OFF = 1 << 30;

/**
 * The preview1 and socket-extension imports libc-shim answers synchronously (never a Promise).
 * rk build's asyncify pass does not instrument their call sites, so an asyncified program can
 * suspend, and be preempted, only at the others. blocking-list.test.ts checks this against rk's
 * WASI_BLOCKING_IMPORTS.
 */
export const SYNC_IMPORTS: readonly string[] = [
  'args_get',
  'args_sizes_get',
  'clock_res_get',
  'clock_time_get',
  'environ_get',
  'environ_sizes_get',
  'fd_prestat_dir_name',
  'fd_prestat_get',
  'proc_exit',
  'proc_raise',
  'random_get',
  'sock_shutdown',
  'sock_bind',
  'sock_listen',
  'sock_getlocaladdr',
  'sock_getpeeraddr',
  'sock_getsockopt',
  'sock_setsockopt',
];
const SYNC = new Set(SYNC_IMPORTS);

/**
 * Whether an asyncified program may be suspended at import `module.name` (its call sites are
 * instrumented): for a program rk build marked, the imports its mark names; otherwise the ones
 * that can block, which every asyncified program has to instrument to run here.
 */
export const asyncifySuspends = (
  module: string,
  name: string,
  marked: ReadonlySet<string> | null = null,
): boolean =>
  marked !== null
    ? marked.has(`${module}.${name}`)
    : module === WASIX
      ? (WASIX_BLOCKING as readonly string[]).includes(name)
      : !SYNC.has(name);

/**
 * The custom section rk build adds to the programs it asyncifies (rk's ASYNCIFY_IMPORTS_SECTION):
 * the imports whose call sites asyncify instrumented, `module.name` joined by commas. With it,
 * calls such as clock_time_get and random_get, answered at once but instrumented by rk build, are
 * preemption points too.
 */
export const ASYNCIFY_IMPORTS_SECTION = 'rk-asyncify-imports';

/** The imports `mod`'s mark names (`module.name`), or null for a program rk build did not mark. */
export function asyncifyMark(mod: WebAssembly.Module): ReadonlySet<string> | null {
  const sections = WebAssembly.Module.customSections(mod, ASYNCIFY_IMPORTS_SECTION);
  if (sections.length === 0) return null;
  const names = new Set<string>();
  for (const s of sections) {
    // ASCII names; decoded by hand because a guest realm may have no TextDecoder.
    const b = new Uint8Array(s);
    let text = '';
    for (let i = 0; i < b.length; i++) text += String.fromCharCode(b[i]!);
    for (const n of text.split(',')) if (n !== '') names.add(n);
  }
  return names;
}

export class ImportPreemption {
  /** Import calls left before the next check; the runners decrement it on every call. */
  left: number;
  /** Times the scheduler took the CPU at a check (the program was suspended for it). */
  preemptions = 0;
  private calls = 1;
  private last: number;

  /**
   * @param sched the scheduler the program runs under (null: never preempted)
   * @param intervalNs the longest the program should compute between two checks, ns (0: never)
   */
  constructor(
    private readonly sched: RkPreemptSched | null,
    private readonly intervalNs: number,
  ) {
    const on = sched !== null && intervalNs > 0;
    this.left = on ? 1 : OFF;
    this.last = on ? sched.now() : 0;
  }

  /** The count ran out after a call that returned `r`: @returns r, or a Promise of r when the scheduler takes the CPU first. */
  due(r: unknown): unknown {
    const sched = this.sched;
    if (sched === null || !(this.intervalNs > 0)) {
      this.left = OFF;
      return r;
    }
    const now = sched.now();
    const took = now - this.last;
    this.last = now;
    // About half an interval's worth of calls at the rate just seen; at most twice the last count,
    // so a rate that fell is followed at once and one that rose only step by step.
    const want =
      took > 0 ? Math.floor((this.calls * this.intervalNs) / (2 * took)) : 2 * this.calls;
    this.calls = want < 1 ? 1 : Math.min(want, 2 * this.calls, PREEMPT_MAX_CALLS);
    this.left = this.calls;
    const p = sched.preemptPoint();
    if (p === undefined || p === null) return r;
    this.preemptions++;
    return p.then(() => r);
  }
}
