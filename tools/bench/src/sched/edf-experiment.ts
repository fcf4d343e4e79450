// The EDF experiment (issue 4): a periodic task set with utilisation ≈ 0.95 run on the virtual clock
// under EDF and under round-robin; per-task jobs, misses and worst response times, the run
// segments for the SVG timeline, and a Chrome trace (rkdebug's trace ring) for Perfetto.
import { createTraceRing } from '../../../../packages/rkdebug/src/trace';
import type { RkThread } from '../../../../packages/rksched/src/index';
import { makeSched, type PolicyName } from './policies';

export interface TaskSpec {
  readonly name: string;
  /** Execution time per job and period (= relative deadline), ms. */
  readonly c: number;
  readonly p: number;
}

export const TASK_SET: readonly TaskSpec[] = [
  { name: 'T1', c: 2, p: 4 },
  { name: 'T2', c: 3, p: 10 },
  { name: 'T3', c: 3, p: 20 },
];

export const utilisation = (set: readonly TaskSpec[]) => set.reduce((u, t) => u + t.c / t.p, 0);

export interface TaskResult {
  readonly name: string;
  jobs: number;
  misses: number;
  worstResponseMs: number;
}

export interface Segment {
  readonly task: string;
  readonly start: number;
  end: number;
}

export interface RunResult {
  readonly policy: PolicyName;
  readonly tasks: TaskResult[];
  readonly segments: Segment[];
  /** Absolute deadlines (ns) of jobs that missed. */
  readonly misses: { task: string; deadline: number }[];
  readonly switches: number;
  readonly chromeTrace: string;
}

const MS = 1_000_000;
/** Simulated CPU per preemption point: a job of C ms reaches C/10 µs preemption points. */
export const QUANTUM_NS = 10_000;

/** Runs the task set for `horizonMs` of virtual time under `policy`. */
export async function runTaskSet(
  policy: PolicyName,
  horizonMs: number,
  set = TASK_SET,
): Promise<RunResult> {
  const segments: Segment[] = [];
  let open: Segment | null = null;
  let tid = 0;
  let now = () => 0;
  const trace = createTraceRing(1 << 16, () => now());
  trace.setThreadIdSource(() => tid);
  const onSwitch = (prev: RkThread | null, next: RkThread | null, at: number) => {
    if (open) open.end = at;
    open = null;
    if (prev) {
      tid = prev.id;
      trace.end(prev.name);
    }
    if (next && next.name !== 'main') {
      open = { task: next.name, start: at, end: at };
      segments.push(open);
    }
    if (next) {
      tid = next.id;
      trace.begin(next.name);
    }
  };
  const { plat, sched } = makeSched(policy, { cpuNsPerPoll: QUANTUM_NS }, { onSwitch }, 1 * MS);
  now = () => plat.time.monotonicNs();
  const results: TaskResult[] = set.map((t) => ({
    name: t.name,
    jobs: 0,
    misses: 0,
    worstResponseMs: 0,
  }));
  const misses: RunResult['misses'] = [];
  const names = new Map<number, string>();
  await sched.runMain(async () => {
    const threads = set.map((spec, i) =>
      sched.spawn(
        spec.name,
        async () => {
          const me = sched.current();
          const r = results[i]!;
          while (plat.time.monotonicNs() < horizonMs * MS) {
            for (let k = 0; k < (spec.c * MS) / QUANTUM_NS; k++) await sched.preemptPoint();
            const rt = me.rt!;
            r.worstResponseMs = Math.max(
              r.worstResponseMs,
              (plat.time.monotonicNs() - rt.release) / MS,
            );
            const deadline = rt.absDeadline;
            const res = await sched.waitPeriod();
            r.jobs++;
            if (res < 0) {
              r.misses++;
              misses.push({ task: spec.name, deadline });
              trace.point('deadline miss', { task: spec.name, deadline_ms: deadline / MS });
            }
          }
        },
        { rt: { period: spec.p * MS, budget: spec.c * MS + 0.1 * MS } },
      ),
    );
    for (const t of threads) names.set(t.id, t.name);
    for (const t of threads) await sched.join(t);
    return 0;
  });
  const chrome = JSON.parse(trace.toChromeTrace()) as { traceEvents: object[] };
  chrome.traceEvents.unshift(
    {
      name: 'process_name',
      ph: 'M',
      pid: 1,
      tid: 0,
      args: { name: `runikraft rksched-${policy} (virtual clock)` },
    },
    ...[...names].map(([id, name]) => ({
      name: 'thread_name',
      ph: 'M',
      pid: 1,
      tid: id,
      args: { name },
    })),
  );
  return {
    policy,
    tasks: results,
    segments,
    misses,
    switches: sched.stats().switches,
    chromeTrace: JSON.stringify(chrome),
  };
}
