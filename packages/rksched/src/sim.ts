// A deterministic simulated platform (virtual clock) for unit tests, conformance runs, benchmarks
// and scheduling experiments: halts jump the clock to the next deadline (DESIGN.md §4 "--clock
// virtual"), and each preemption point may consume a fixed quantum of simulated CPU time.
import { Errno } from '@runikraft/errno';
import type { RkHaltGuard, RkPlat, RkPlatLcpu, RkPlatTime } from '@runikraft/rkplat';

export interface RkSimPlatOptions {
  /** Simulated CPU time consumed by each `lcpu.poll()` (a preemption point), ns. Default 0. */
  readonly cpuNsPerPoll?: number;
  /** Every n-th poll returns a promise (a host turn), to exercise that path. Default never. */
  readonly hostTurnEvery?: number;
  /** Bytes of simulated guest RAM at 0x8000_0000. Default 1 MiB. */
  readonly memBytes?: number;
}

/** The simulated platform plus controls for the test driving it. */
export interface RkSimPlat extends RkPlat {
  /** Schedules a host event (e.g. a device raising an IRQ) at virtual time `ns`. */
  at(ns: number, fn: () => void): void;
  /** Raises interrupt `irq` now: delivered at the next poll/halt. */
  raise(irq: number): void;
  /** Advances the clock by `ns` as if the CPU computed (no interrupt window). */
  burn(ns: number): void;
  /** Console output so far. */
  readonly output: string[];
  readonly counters: { polls: number; halts: number; timerFires: number };
}

const RAM_BASE = 0x8000_0000;

/** Creates a simulated single-hart platform whose clock starts at 0. */
export function createSimPlat(opts: RkSimPlatOptions = {}): RkSimPlat {
  let now = 0;
  let timerAt = Number.POSITIVE_INFINITY;
  let timerFn: (() => void) | null = null;
  let irqOn = true;
  const pending: number[] = [];
  const handlers = new Map<number, ((irq: number) => boolean)[]>();
  const irqCounts = new Map<number, number>();
  const events: { at: number; seq: number; fn: () => void }[] = [];
  let seq = 0;
  const counters = { polls: 0, halts: 0, timerFires: 0 };
  const cpuNs = opts.cpuNsPerPoll ?? 0;
  const output: string[] = [];
  const resolved = Promise.resolve();

  function deliver(): void {
    if (!irqOn) return;
    while (events.length && events[0]!.at <= now) events.shift()!.fn();
    while (pending.length) {
      const irq = pending.shift()!;
      irqCounts.set(irq, (irqCounts.get(irq) ?? 0) + 1);
      for (const h of handlers.get(irq) ?? []) if (h(irq)) break;
    }
    if (timerFn && timerAt <= now) {
      const fn = timerFn;
      timerFn = null;
      timerAt = Number.POSITIVE_INFINITY;
      counters.timerFires++;
      fn();
    }
  }

  function haltTo(limit: number): Promise<void> {
    counters.halts++;
    deliver();
    const next = Math.min(limit, timerAt, events.length ? events[0]!.at : Number.POSITIVE_INFINITY);
    if (pending.length === 0 && next === Number.POSITIVE_INFINITY) {
      return Promise.reject(
        new Error(`sim: halt at ${now} ns with no timer, event or interrupt pending (deadlock)`),
      );
    }
    if (next > now) now = next;
    deliver();
    return resolved;
  }

  const time: RkPlatTime = {
    monotonicNs: () => now,
    // Every clock read is exact here: the latest one is the clock itself.
    coarseMonotonicNs: () => now,
    wallClockNs: () => 1_700_000_000_000_000_000n + BigInt(Math.floor(now)),
    resolutionNs: 100,
    setTimer(deadline, handler) {
      timerAt = deadline;
      timerFn = handler;
    },
    cancelTimer() {
      timerAt = Number.POSITIVE_INFINITY;
      timerFn = null;
    },
  };

  let guard: RkHaltGuard | null = null;
  const lcpu: RkPlatLcpu = {
    id: () => 0,
    count: () => 1,
    halt: () => {
      const refused = guard?.('halt');
      return refused ? Promise.reject(refused) : haltTo(Number.POSITIVE_INFINITY);
    },
    haltUntil: (dl) => {
      const refused = guard?.('haltUntil');
      return refused ? Promise.reject(refused) : haltTo(dl);
    },
    setHaltGuard(g) {
      guard = g;
    },
    irqEnable() {
      irqOn = true;
    },
    irqDisable() {
      irqOn = false;
    },
    irqSave() {
      const f = irqOn ? 1 : 0;
      irqOn = false;
      return f;
    },
    irqRestore(f) {
      irqOn = f === 1;
    },
    irqsDisabled: () => !irqOn,
    poll() {
      counters.polls++;
      now += cpuNs;
      deliver();
      if (opts.hostTurnEvery && counters.polls % opts.hostTurnEvery === 0) return Promise.resolve();
      return null;
    },
  };

  const size = opts.memBytes ?? 1 << 20;
  const buffer = new SharedArrayBuffer(size);
  const phys = {
    buffer,
    base: RAM_BASE,
    size,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  const fail = (status: number): never => {
    throw new Error(`sim: power off with status ${status}`);
  };
  return {
    name: 'sim',
    memory: { regions: () => [{ pbase: RAM_BASE, len: size, type: 'free', name: 'memory' }], phys },
    console: {
      out(d) {
        const s = typeof d === 'string' ? d : new TextDecoder().decode(d);
        output.push(s);
        return s.length;
      },
      in: () => 0,
      onInput() {},
    },
    time,
    irq: {
      register(irq, h) {
        if (!Number.isInteger(irq) || irq < 0) return -Errno.EINVAL;
        handlers.set(irq, [...(handlers.get(irq) ?? []), h]);
        return 0;
      },
      unregister(irq, h) {
        const l = handlers.get(irq) ?? [];
        if (!l.includes(h)) return -Errno.ENOENT;
        handlers.set(
          irq,
          l.filter((x) => x !== h),
        );
        return 0;
      },
      count: (irq) => irqCounts.get(irq) ?? 0,
    },
    lcpu,
    power: { shutdown: fail, restart: () => fail(-1), crash: (s = 1) => fail(s) },
    bootinfo: { cmdline: '', dtbAddr: 0, dtb: new Uint8Array(0), initrd: null, bootMode: 'sbi' },
    devices: { find: () => [], all: () => [], read: () => 0, write() {} },
    at(ns, fn) {
      events.push({ at: ns, seq: seq++, fn });
      events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    },
    raise(irq) {
      pending.push(irq);
    },
    burn(ns) {
      now += ns;
    },
    output,
    counters,
  };
}
