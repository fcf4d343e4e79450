// The rksched conformance kit: `describeRkSched(name, make, capabilities, env?)` registers behavioural
// and property-based tests that every scheduling policy (ours or a third party's) must pass — on the
// simulated platform by default, or on any platform an environment boots (e.g. the real machine).
import type { RkPlat } from '@runikraft/rkplat';
import { describe } from 'vitest';
import type { RkSched } from './api';
import { basicSuite } from './conformance-basic';
import { errorSuite } from './conformance-errors';
import { propertySuite } from './conformance-props';
import { waitSuite } from './conformance-wait';
import { createSimPlat, type RkSimPlatOptions } from './sim';
import { RkTimer } from './timer-queue';

/** Makes a fresh scheduler on the given platform. */
export type RkSchedFactory = (plat: RkPlat) => RkSched;

export interface RkSchedCapabilities {
  /** The policy honours `prio` (higher runs first). */
  readonly priorities?: boolean;
  /** The policy preempts CPU-bound threads at preemption points when their slice ends. */
  readonly timeSlicing?: boolean;
  /** Policy-specific properties, registered inside the kit's describe block. */
  readonly extra?: (make: RkSchedFactory, ctx: RkSchedKitContext) => void;
}

/** What one kit case sees: a fresh platform and scheduler, plus the controls the case drives. */
export interface RkSchedKitSession {
  readonly plat: RkPlat;
  readonly sched: RkSched;
  /** Platform time since the session started, ns (the cases' time origin). */
  now(): number;
  /** Runs `fn` in IRQ context at session time `ns` (a kernel timer). */
  at(ns: number, fn: () => void): void;
  /** A device interrupt the case can raise: register a handler on `line`, which calls `ack()`. */
  readonly irq: { readonly line: number; raise(): void; ack(): void };
  /** Times the CPU halted so far. */
  halts(): number;
}

/** Where the kit runs: a platform per case, and what that platform's clock can promise. */
export interface RkSchedKitEnv {
  /** Time is exact and advances only while the CPU halts (a virtual clock). */
  readonly virtualClock: boolean;
  /** Time advances while a thread computes (needed by the CPU-fairness case). */
  readonly clockRunsWhileComputing: boolean;
  /** Runs per fast-check property (default 40 / 30; booting a machine per run costs more). */
  readonly propertyRuns?: number;
  /**
   * Brings up a fresh platform, makes a scheduler with `make` and runs `body` to completion;
   * rejects with what `body` threw. `opts` tune the simulation; a real platform ignores them.
   */
  run(
    make: RkSchedFactory,
    opts: RkSimPlatOptions,
    body: (s: RkSchedKitSession) => Promise<void>,
  ): Promise<void>;
}

export interface RkSchedKitContext {
  readonly env: RkSchedKitEnv;
  /** Runs one case on a fresh platform and scheduler. */
  run(opts: RkSimPlatOptions, body: (s: RkSchedKitSession) => Promise<void>): Promise<void>;
}

/** IRQ line the simulated platform's kit interrupt uses. */
const SIM_IRQ = 3;

/** The default environment: the deterministic simulated platform (`@runikraft/rksched/sim`). */
export const simKitEnv: RkSchedKitEnv = {
  virtualClock: true,
  clockRunsWhileComputing: true, // with `cpuNsPerPoll`
  async run(make, opts, body) {
    const plat = createSimPlat(opts);
    await body({
      plat,
      sched: make(plat),
      now: () => plat.time.monotonicNs(),
      at: (ns, fn) => plat.at(ns, fn),
      irq: { line: SIM_IRQ, raise: () => plat.raise(SIM_IRQ), ack() {} },
      halts: () => plat.counters.halts,
    });
  },
};

/**
 * Session controls for a real platform (a kit environment's building block): time relative to now,
 * `at` on a kernel timer of `sched`, the given device interrupt and halt counter.
 */
export function platKitSession(
  plat: RkPlat,
  sched: RkSched,
  irq: RkSchedKitSession['irq'],
  halts: () => number,
): RkSchedKitSession {
  const t0 = plat.time.monotonicNs();
  return {
    plat,
    sched,
    now: () => plat.time.monotonicNs() - t0,
    at: (ns, fn) => sched.armTimer(new RkTimer(() => fn()), t0 + ns),
    irq,
    halts,
  };
}

/** Registers the conformance suite for a scheduler implementation. */
export function describeRkSched(
  name: string,
  make: RkSchedFactory,
  caps: RkSchedCapabilities = {},
  env: RkSchedKitEnv = simKitEnv,
): void {
  const ctx: RkSchedKitContext = {
    env,
    run: (opts, body) => env.run(make, opts, body),
  };
  describe(`rksched conformance: ${name}`, () => {
    basicSuite(ctx, caps);
    waitSuite(ctx);
    errorSuite(ctx);
    propertySuite(ctx);
    caps.extra?.(make, ctx);
  });
}

export { describeRkSchedLibrary } from './conformance-library';
export { createSimPlat, type RkSimPlat, type RkSimPlatOptions } from './sim';
