// The debugging API (counterpart of Unikraft's ukdebug: uk_pr_*, UK_ASSERT, UK_CRASH, uktrace).

/** Message levels, most severe first (uk_pr_crit ... uk_pr_debug). */
export type RkLogLevel = 'crit' | 'err' | 'warn' | 'info' | 'debug';
export const RK_LOG_LEVELS: readonly RkLogLevel[] = ['crit', 'err', 'warn', 'info', 'debug'];

/** One recorded trace event (Chrome trace-event phases: B/E = begin/end, i = instant, C = counter). */
export interface RkTraceEvent {
  readonly name: string;
  readonly phase: 'B' | 'E' | 'i' | 'C';
  /** Monotonic ns. */
  readonly ts: number;
  /** Thread id (0 = no scheduler / interrupt context). */
  readonly tid: number;
  readonly args?: Readonly<Record<string, number | string>>;
}

export interface RkTrace {
  /** Records an instant event. May run in IRQ context. */
  point(name: string, args?: Record<string, number | string>): void;
  begin(name: string, args?: Record<string, number | string>): void;
  end(name: string, args?: Record<string, number | string>): void;
  counter(name: string, values: Record<string, number>): void;
  /** Events still in the ring, oldest first. */
  events(): RkTraceEvent[];
  /** Events overwritten because the ring was full. */
  readonly dropped: number;
  /** Chrome trace-event JSON (opens in Perfetto / chrome://tracing). */
  toChromeTrace(): string;
  /** Sets the function that names the current thread id (the scheduler installs one). */
  setThreadIdSource(source: () => number): void;
  clear(): void;
}

export interface RkDebug {
  /** Prints `msg` at `level` if the level is enabled; returns true if printed. */
  printk(level: RkLogLevel, msg: string): boolean;
  crit(msg: string): void;
  err(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  /** The most verbose level printed. */
  level: RkLogLevel;
  /** Panics with `msg` if `cond` is false. */
  assert(cond: unknown, msg: string): asserts cond;
  /** Prints the reason and a backtrace, then powers the machine off with a failure status. Never returns. */
  panic(reason: string, cause?: unknown): never;
  readonly trace: RkTrace;
}
