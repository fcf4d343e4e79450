// Round-robin policy: FIFO per priority level, highest level first, time slice enforced by the
// front end's tick (Unikraft's ukschedcoop made preemptive, plus optional priorities).
import { Errno, RkError } from '@runikraft/errno';
import {
  type RkEnqueueReason,
  type RkPolicyHost,
  type RkPolicyThread,
  RkRunQueue,
  type RkSchedPolicy,
} from '@runikraft/rksched/impl';

export interface RkRrOptions {
  /** Time slice, ns (default 10 ms). */
  readonly sliceNs?: number;
  /** Honour thread priorities (strict levels). Default true; false = one FIFO for all. */
  readonly priorities?: boolean;
}

/** Creates a round-robin policy. */
export function createRrPolicy(opts: RkRrOptions = {}): RkSchedPolicy {
  const slice = opts.sliceNs ?? 10_000_000;
  if (!(Number.isFinite(slice) && slice > 0))
    throw new RkError(Errno.EINVAL, `rksched-rr: slice ${slice} ns must be a positive number`);
  const usePrio = opts.priorities ?? true;
  const levels = new Map<number, RkRunQueue>();
  /** Queues of the priorities seen so far, highest first (pickNext scans this array). */
  let ordered: RkRunQueue[] = [];
  let order: number[] = [];
  let ready = 0;
  let host: RkPolicyHost | null = null;
  let slicesExpired = 0;
  const lvl = (t: RkPolicyThread) => (usePrio ? t.prio : 0);

  // One-entry cache: most threads share a priority, so enqueue skips the Map lookup.
  let lastP = Number.NaN;
  let lastQ: RkRunQueue | null = null;

  function queueOf(p: number): RkRunQueue {
    if (p === lastP) return lastQ!;
    let q = levels.get(p);
    if (!q) {
      q = new RkRunQueue();
      levels.set(p, q);
      order = [...levels.keys()].sort((a, b) => b - a);
      ordered = order.map((p) => levels.get(p)!);
    }
    lastP = p;
    lastQ = q;
    return q;
  }

  return {
    name: 'rr',
    attach(h) {
      host = h;
    },
    admit() {},
    enqueue(t: RkPolicyThread, _reason: RkEnqueueReason) {
      queueOf(lvl(t)).pushBack(t);
      ready++;
    },
    dequeue(t) {
      if ((t.rq as RkRunQueue | null)?.remove(t)) ready--;
    },
    pickNext() {
      if (ready === 0) return null;
      for (const q of ordered) {
        const t = q.popFront();
        if (t) {
          ready--;
          return t;
        }
      }
      return null;
    },
    onBlock() {},
    onTick(t) {
      slicesExpired++;
      if (ready === 0) return false;
      // Preempt only for a thread of the same or a higher level (a lower one waits anyway).
      for (const p of order) {
        if (p < lvl(t)) return false;
        if (levels.get(p)!.length > 0) return true;
      }
      return false;
    },
    nextTick: (_t, now) => now + slice,
    shouldPreempt: (woken, running) => usePrio && woken.prio > running.prio,
    onRelease() {},
    onExit() {},
    onPrioChange() {
      void host;
    },
    stats: () => ({ sliceNs: slice, ready, slicesExpired }),
  };
}
