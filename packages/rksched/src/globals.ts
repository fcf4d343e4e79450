// setTimeout/setInterval/clearTimeout/clearInterval/queueMicrotask for the guest realm, on rksched
// timers: an expired timer runs its callback in a new detached thread (callbacks may park).
import { provideGlobal } from '@runikraft/rkboot';
import type { RkSched } from './api';
import { RkTimer } from './timer-queue';

const NS_PER_MS = 1_000_000;

/** Delay in ns as HTML's timer steps say: not a finite non-negative number → 0. */
const delayNs = (ms: unknown): number => {
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? n * NS_PER_MS : 0;
};

/** The timer globals over `sched` (exported for tests; {@link installTimerGlobals} installs them). */
export function timerGlobals(sched: RkSched) {
  const timers = new Map<number, RkTimer>();
  let nextId = 1;
  const start = (cb: unknown, ms: unknown, args: unknown[], repeat: boolean, what: string) => {
    if (typeof cb !== 'function')
      throw new TypeError(`${what}: the callback must be a function (got ${typeof cb})`);
    const f = cb as (...a: unknown[]) => unknown;
    const id = nextId++;
    const every = delayNs(ms);
    const t = new RkTimer((now) => {
      if (repeat) sched.armTimer(t, now + Math.max(every, 1));
      else timers.delete(id);
      sched.create(async () => void (await f(...args)), [], { name: what, detached: true });
    });
    timers.set(id, t);
    sched.armTimer(t, sched.now() + every);
    return id;
  };
  const clear = (id: unknown) => {
    const t = timers.get(Number(id));
    if (!t) return;
    sched.disarmTimer(t);
    timers.delete(Number(id));
  };
  return {
    setTimeout: (cb: unknown, ms?: unknown, ...args: unknown[]) =>
      start(cb, ms, args, false, 'setTimeout'),
    setInterval: (cb: unknown, ms?: unknown, ...args: unknown[]) =>
      start(cb, ms, args, true, 'setInterval'),
    clearTimeout: clear,
    clearInterval: clear,
    queueMicrotask: (cb: unknown) => {
      if (typeof cb !== 'function')
        throw new TypeError(`queueMicrotask: the callback must be a function (got ${typeof cb})`);
      // A promise job of the guest realm: it runs before the current thread's next park completes.
      void Promise.resolve().then(cb as () => void);
    },
  };
}

/** Installs the timer globals (no-op outside a guest realm). @returns true when installed. */
export function installTimerGlobals(sched: RkSched): boolean {
  const g = timerGlobals(sched);
  for (const [name, f] of Object.entries(g)) if (!provideGlobal(name, f)) return false;
  return true;
}
