// Registering and finding the scheduler in the boot registry (the `rksched` API name).
import { Errno, RkError } from '@runikraft/errno';
import type { RkRegistry } from '@runikraft/rkboot';
import type { RkSched } from './api';
import { installTimerGlobals } from './globals';
import type { RkSchedOptions } from './sched';
import { type RkSchedTraceSink, traceSwitches } from './trace';

/** The loosely typed view of the registry (used while declaration merging on RkApiRegistry is not
 * seen through rkboot's `export *` re-export under tsc's package deduplication). */
interface LooseRegistry {
  provide(api: string, impl: unknown): void;
  tryGet(api: string): unknown;
}

/**
 * Registers `sched` as the `rksched` provider (a policy library's init calls this) and, in a guest
 * realm, installs setTimeout/setInterval/clearTimeout/clearInterval/queueMicrotask on its timers.
 */
export function provideSched(
  registry: RkRegistry,
  sched: RkSched,
  opts: RkSchedOptions = {},
): void {
  const loose = registry as unknown as LooseRegistry;
  loose.provide('rksched', sched);
  installTimerGlobals(sched);
  if (opts.onSwitch) return; // traceSwitches() names the threads itself
  // rkdebug's trace points name the running thread (0 = boot, idle or IRQ context).
  const dbg = loose.tryGet('rkdebug') as
    | { trace?: { setThreadIdSource(f: () => number): void } }
    | undefined;
  dbg?.trace?.setThreadIdSource(() => sched.currentOrNull()?.id ?? 0);
}

/** The registered scheduler. @throws RkError ENOSYS naming the candidates when no policy library was composed. */
export function getSched(registry: RkRegistry): RkSched {
  const s = (registry as unknown as LooseRegistry).tryGet('rksched') as RkSched | undefined;
  if (!s)
    throw new RkError(
      Errno.ENOSYS,
      "rksched: no scheduler in this image (add rksched-rr, rksched-edf or rksched-mlq to the app's dependencies)",
    );
  return s;
}

/**
 * Front-end options for a policy library's init: with `trace` set and rkdebug composed, every
 * switch is recorded in rkdebug's trace ring (exportable as Chrome trace-event JSON).
 */
export function schedOptionsFor(
  registry: RkRegistry,
  trace: boolean,
  watchdogMs = 0,
): RkSchedOptions {
  const wd = watchdogMs > 0 ? { watchdogNs: watchdogMs * 1e6 } : {};
  if (!trace) return wd;
  const dbg = (registry as unknown as LooseRegistry).tryGet('rkdebug') as
    | { trace?: RkSchedTraceSink }
    | undefined;
  return dbg?.trace ? { ...wd, onSwitch: traceSwitches(dbg.trace) } : wd;
}

/**
 * The `watchdog_ms` boot parameter every policy library declares (read by {@link schedOptionsFor}):
 * the development watchdog's bound, off by default.
 */
export const RKSCHED_WATCHDOG_PARAM = {
  type: 'number',
  default: 0,
  min: 0,
  doc: 'report a thread that runs longer than this many ms (platform clock) without reaching a preemption point; 0 = off',
} as const;

/** The `trace` boot parameter every policy library declares (read by {@link schedOptionsFor}). */
export const RKSCHED_TRACE_PARAM = {
  type: 'boolean',
  default: false,
  doc: "record every context switch in rkdebug's trace ring",
} as const;
