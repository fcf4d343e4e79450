// Earliest-deadline-first policy for periodic and sporadic threads: admission control (density
// test Σ C/min(D,T) ≤ max utilisation), deadline-miss watchdog (report or abort the job), and budget
// enforcement as a hard constant-bandwidth server (throttle, then postpone the deadline, as Linux
// SCHED_DEADLINE). Three classes, each runs only when the ones before it have nothing ready:
// reserved jobs (with a budget), unreserved jobs (no budget), best-effort threads (round-robin).
import { Errno, RkError } from '@runikraft/errno';
import {
  type RkPolicyHost,
  type RkPolicyThread,
  RkRunQueue,
  type RkSchedPolicy,
  RkTimer,
} from '@runikraft/rksched/impl';
import { DeadlineHeap, type HeapSlot } from './deadline-heap';

export type RkEdfMissPolicy = 'report' | 'abort';

export interface RkEdfOptions {
  /** What to do when a job misses its deadline (default "report": count it and go on). */
  readonly missPolicy?: RkEdfMissPolicy;
  /** Enforce each job's budget (default true). */
  readonly enforceBudget?: boolean;
  /** Admission bound on total density (default 1.0). */
  readonly maxUtil?: number;
  /** Time slice of best-effort threads, ns (default 10 ms). */
  readonly sliceNs?: number;
}

/** Placeholder timer of best-effort threads (never armed). */
const INERT = new RkTimer(() => {});

interface EdfData extends HeapSlot {
  /** Scheduling class: 0 reserved job, 1 unreserved job, 2 best-effort (see the header). */
  cls: 0 | 1 | 2;
  util: number;
  watchdog: RkTimer;
  replenish: RkTimer;
  watchJob: number;
}

/** Creates an EDF policy. */
export function createEdfPolicy(opts: RkEdfOptions = {}): RkSchedPolicy {
  const missPolicy = opts.missPolicy ?? 'report';
  const enforce = opts.enforceBudget ?? true;
  const maxUtil = opts.maxUtil ?? 1;
  const slice = opts.sliceNs ?? 10_000_000;
  if (missPolicy !== 'report' && missPolicy !== 'abort')
    throw new RkError(Errno.EINVAL, `rksched-edf: miss policy "${missPolicy}" is not report|abort`);
  if (!(maxUtil > 0 && maxUtil <= 1))
    throw new RkError(Errno.EINVAL, `rksched-edf: max utilisation ${maxUtil} is not in (0, 1]`);
  if (!(Number.isFinite(slice) && slice > 0))
    throw new RkError(Errno.EINVAL, `rksched-edf: slice ${slice} ns must be a positive number`);
  const heap = new DeadlineHeap();
  const unreserved = new DeadlineHeap();
  const background = new RkRunQueue();
  let host!: RkPolicyHost;
  let util = 0;
  const st = { misses: 0, aborts: 0, throttles: 0, admitted: 0, refused: 0 };
  const data = (t: RkPolicyThread) => t.policyData as EdfData;

  /** The watchdog: the job is still unfinished at its (possibly postponed) absolute deadline. */
  function onDeadline(t: RkPolicyThread, now: number): void {
    const d = data(t);
    const rt = t.rt!;
    if (t.state === 'exited' || rt.jobs !== d.watchJob) return; // the job completed in time
    if (now < rt.absDeadline) return; // postponed meanwhile; re-armed at the new deadline
    if (!rt.missed) st.misses++;
    host.noteMiss(t);
    if (missPolicy === 'abort' && !rt.aborted) {
      st.aborts++;
      rt.aborted = true;
      if (host.running() === t) host.requestResched();
    }
  }

  function onReplenish(t: RkPolicyThread): void {
    const rt = t.rt!;
    if (!rt.throttled || t.state === 'exited') return;
    rt.release += rt.period;
    rt.absDeadline = rt.release + rt.relDeadline;
    rt.jobCpuNs = 0;
    // The job goes on with the postponed deadline: the watchdog follows it, so a job that also
    // misses this one is reported (and aborted again if it caught the first abort).
    host.armTimer(data(t).watchdog, rt.absDeadline);
    host.unthrottle(t);
  }

  return {
    name: 'edf',
    attach(h) {
      host = h;
    },
    admit(t) {
      const rt = t.rt;
      const reserved = rt !== null && Number.isFinite(rt.budget);
      const d: EdfData = {
        heapIdx: -1,
        cls: !rt ? 2 : reserved ? 0 : 1,
        util: 0,
        // Best-effort threads never arm these: share two inert timers instead of allocating.
        watchdog: rt ? new RkTimer((now) => onDeadline(t, now)) : INERT,
        replenish: rt ? new RkTimer(() => onReplenish(t)) : INERT,
        watchJob: -1,
      };
      if (!reserved) {
        t.policyData = d; // no budget, no reservation: nothing to admit
        return;
      }
      const u = rt.budget / Math.min(rt.relDeadline, rt.period);
      if (util + u > maxUtil + 1e-12) {
        st.refused++;
        throw new RkError(
          Errno.EBUSY,
          `rksched-edf: thread "${t.name}" refused: utilisation ${fmt(util)} + ${fmt(u)} (budget ${rt.budget} ns / ${Math.min(rt.relDeadline, rt.period)} ns) exceeds ${fmt(maxUtil)}`,
        );
      }
      t.policyData = d;
      util += u;
      d.util = u;
      st.admitted++;
    },
    enqueue(t) {
      const cls = data(t).cls;
      if (cls === 2) return background.pushBack(t);
      if (t.rt!.throttled) return; // parked until replenishment
      (cls === 0 ? heap : unreserved).push(t);
    },
    dequeue(t) {
      if (!heap.remove(t) && !unreserved.remove(t)) background.remove(t);
    },
    pickNext: () => heap.pop() ?? unreserved.pop() ?? background.popFront(),
    onBlock() {},
    onTick(t, now) {
      const rt = t.rt;
      if (!rt) return heap.length + unreserved.length + background.length > 0;
      if (enforce && data(t).cls === 0 && rt.jobCpuNs > rt.budget && !rt.throttled) {
        st.throttles++;
        rt.throttled = true;
        host.armTimer(data(t).replenish, Math.max(now, rt.release + rt.period));
        return true;
      }
      return false;
    },
    nextTick(t, now) {
      const rt = t.rt;
      if (!rt) return now + slice;
      if (!enforce || data(t).cls !== 0) return Number.POSITIVE_INFINITY;
      return now + Math.max(0, rt.budget - rt.jobCpuNs) + 1;
    },
    shouldPreempt(woken, running) {
      const cw = data(woken).cls;
      const cr = data(running).cls;
      if (cw !== cr) return cw < cr;
      return cw !== 2 && woken.rt!.absDeadline < running.rt!.absDeadline;
    },
    onRelease(t) {
      const d = data(t);
      d.watchJob = t.rt!.jobs;
      host.armTimer(d.watchdog, t.rt!.absDeadline);
    },
    onExit(t) {
      const d = data(t);
      util -= d.util;
      d.util = 0;
      host.disarmTimer(d.watchdog);
      host.disarmTimer(d.replenish);
    },
    onPrioChange() {},
    stats: () => ({ utilisation: util, ...st }),
  };
}

/** A utilisation for messages: at most 4 decimals, no float noise. */
function fmt(u: number): string {
  return String(Math.round(u * 1e4) / 1e4);
}
