// Multi-level feedback queue: threads enter at the level their priority gives; using a whole slice
// demotes one level (slices double per level); blocking or yielding early keeps the level; aging
// promotes a thread waiting about one aging period by one level, up to the top, so nothing
// starves (Solaris TS / FreeBSD ULE-style feedback, simplified).
import { Errno, RkError } from '@runikraft/errno';
import {
  type RkPolicyHost,
  type RkPolicyThread,
  RkRunQueue,
  type RkSchedPolicy,
  RkTimer,
} from '@runikraft/rksched/impl';

export interface RkMlqOptions {
  /** Number of levels, 2..30 (default 8). Level 0 runs first. */
  readonly levels?: number;
  /** Slice at level 0, ns (default 2 ms); level k gets slice·2^k. */
  readonly sliceNs?: number;
  /** A ready thread waiting this long moves up one level (default 50 ms). */
  readonly agingNs?: number;
}

interface MlqData {
  level: number;
  /** Aging epoch at enqueue (epochs tick every aging period; no clock read per enqueue). */
  enqueuedEpoch: number;
  demote: boolean;
}

/** Creates a multi-level feedback queue policy. */
export function createMlqPolicy(opts: RkMlqOptions = {}): RkSchedPolicy {
  const n = opts.levels ?? 8;
  if (!Number.isInteger(n) || n < 2 || n > 30)
    throw new RkError(Errno.EINVAL, `rksched-mlq: levels ${n} must be an integer in 2..30`);
  const slice = opts.sliceNs ?? 2_000_000;
  const aging = opts.agingNs ?? 50_000_000;
  for (const [name, v] of [
    ['slice', slice],
    ['aging period', aging],
  ] as const) {
    if (!(Number.isFinite(v) && v > 0))
      throw new RkError(Errno.EINVAL, `rksched-mlq: ${name} ${v} ns must be a positive number`);
  }
  const queues = Array.from({ length: n }, () => new RkRunQueue());
  const sliceOf = Array.from({ length: n }, (_, k) => slice * 2 ** k);
  let mask = 0; // bit k set = level k non-empty
  let ready = 0;
  let host!: RkPolicyHost;
  const st = { demotions: 0, promotions: 0 };
  const data = (t: RkPolicyThread) => t.policyData as MlqData;
  const baseLevel = (prio: number) => Math.min(n - 1, Math.max(0, (n >> 1) - prio));
  const agingTimer = new RkTimer((now) => age(now));
  let epoch = 0;

  function push(t: RkPolicyThread, d: MlqData): void {
    queues[d.level]!.pushBack(t);
    mask |= 1 << d.level;
    ready++;
  }

  function remove(t: RkPolicyThread): boolean {
    const d = data(t);
    const q = queues[d.level]!;
    if (!q.remove(t)) return false;
    if (q.length === 0) mask &= ~(1 << d.level);
    ready--;
    return true;
  }

  function age(now: number): void {
    epoch++;
    for (let lvl = 1; lvl < n; lvl++) {
      const q = queues[lvl]!;
      for (let t = q.first; t; ) {
        const next = t.rqNext;
        const d = data(t);
        // Epochs tick every half aging period: two boundaries = waited between ½ and 1 period.
        if (epoch - d.enqueuedEpoch >= 2) {
          remove(t);
          d.level = lvl - 1;
          d.enqueuedEpoch = epoch;
          push(t, d);
          st.promotions++;
          const r = host.running();
          if (r && d.level < data(r).level) host.requestResched();
        }
        t = next;
      }
    }
    if (ready > 0) host.armTimer(agingTimer, now + aging / 2);
  }

  return {
    name: 'mlq',
    attach(h) {
      host = h;
    },
    admit(t) {
      t.policyData = {
        level: baseLevel(t.prio),
        enqueuedEpoch: 0,
        demote: false,
      } satisfies MlqData;
    },
    enqueue(t) {
      const d = data(t);
      if (d.demote) {
        d.demote = false;
        if (d.level < n - 1) {
          d.level++;
          st.demotions++;
        }
      }
      d.enqueuedEpoch = epoch;
      push(t, d);
      if (!agingTimer.armed) host.armTimer(agingTimer, host.now() + aging / 2);
    },
    dequeue(t) {
      remove(t);
    },
    pickNext() {
      if (mask === 0) return null;
      const lvl = 31 - Math.clz32(mask & -mask);
      const t = queues[lvl]!.popFront()!;
      if (queues[lvl]!.length === 0) mask &= ~(1 << lvl);
      ready--;
      return t;
    },
    onBlock() {},
    onTick(t) {
      data(t).demote = true; // used its whole slice
      if (ready === 0) {
        data(t).demote = false;
        return false;
      }
      return true;
    },
    nextTick: (t, now) => now + sliceOf[data(t).level]!,
    shouldPreempt: (woken, running) => data(woken).level < data(running).level,
    onRelease() {},
    onExit() {},
    onPrioChange(t, prio) {
      data(t).level = baseLevel(prio);
    },
    stats: () => ({ levels: n, ready, ...st }),
  };
}
