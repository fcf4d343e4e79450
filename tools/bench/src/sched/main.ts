// `pnpm --filter @runikraft/bench bench:sched`: thread micro-benchmarks per policy next to the JS
// floor, and the EDF-vs-RR experiment (table, SVG timeline, Chrome trace); writes the "Threads
// (issue 4)" section of BENCHMARKS.md and the figures under tools/bench/results/.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runTaskSet, TASK_SET, type TaskResult, utilisation } from './edf-experiment';
import { machineSwitchNs } from './machine';
import { jsFloor, MICRO, type MicroName } from './micro';
import { POLICIES } from './policies';
import { writeSection } from './report';
import { timelineSvg } from './svg';

/** The repository root: the nearest folder upwards with pnpm-workspace.yaml (works bundled or not). */
function findRoot(from: string): string {
  for (let d = from; d !== dirname(d); d = dirname(d))
    if (existsSync(join(d, 'pnpm-workspace.yaml'))) return d;
  throw new Error(`bench:sched: no pnpm-workspace.yaml above ${from}`);
}
const root = findRoot(import.meta.dirname ?? process.cwd());
const REPEAT = Number(process.env.RK_BENCH_REPEAT ?? 7);
const N = Number(process.env.RK_BENCH_N ?? 20_000);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const LABELS: Record<MicroName, string> = {
  switch: 'context switch (yield ping-pong)',
  createJoin: 'thread create + join',
  wakeup: 'wait-queue wake-up (+ switch)',
  mutexFree: 'mutex lock+unlock, uncontended',
  mutexContended: 'mutex lock, contended (hand-off)',
  mboxRoundTrip: 'mailbox round trip',
};

async function main(): Promise<void> {
  // Each figure is paired with a floor measured just before it (the machine is shared and noisy):
  // the ratio column is the median of the per-pair ratios, the ns column the median of the figures.
  const floorRuns: number[] = [];
  const res = new Map<string, number[]>();
  const ratios = new Map<string, number[]>();
  for (let r = 0; r < REPEAT; r++) {
    for (const p of POLICIES) {
      for (const m of Object.keys(MICRO) as MicroName[]) {
        const k = `${p}/${m}`;
        const f = await jsFloor(N);
        floorRuns.push(f);
        const v = await MICRO[m](p, m === 'createJoin' ? N / 2 : N);
        res.set(k, [...(res.get(k) ?? []), v]);
        ratios.set(k, [...(ratios.get(k) ?? []), v / f]);
      }
    }
  }
  const floor = median(floorRuns);
  const rows: string[] = [];
  rows.push(
    `| operation | ${POLICIES.map((p) => `rksched-${p}`).join(' | ')} | JS floor (promise hop) |`,
  );
  rows.push(`|---|${POLICIES.map(() => '---').join('|')}|---|`);
  for (const m of Object.keys(MICRO) as MicroName[]) {
    const cells = POLICIES.map((p) => {
      const v = median(res.get(`${p}/${m}`)!);
      return `${v.toFixed(0)} ns (${median(ratios.get(`${p}/${m}`)!).toFixed(2)}×)`;
    });
    rows.push(`| ${LABELS[m]} | ${cells.join(' | ')} | ${floor.toFixed(0)} ns |`);
  }
  const onMachine = [];
  const machineFloor: number[] = [];
  for (const p of POLICIES) {
    machineFloor.push(await jsFloor(N));
    onMachine.push(await machineSwitchNs(root, p));
  }
  rows.push(
    `| context switch in a booted image on the machine (guest clock = host) | ${onMachine.map((v, i) => `${v} ns (${(v / machineFloor[i]!).toFixed(2)}×)`).join(' | ')} | ${floor.toFixed(0)} ns |`,
  );
  console.log(rows.join('\n'));

  const horizon = 1000;
  const runs = [
    await runTaskSet('edf', horizon),
    await runTaskSet('rr', horizon),
    await runTaskSet('mlq', horizon),
  ];
  const table: string[] = [
    '| task | C / T (ms) | EDF jobs | EDF misses | EDF worst response | RR misses | RR worst response | MLQ misses | MLQ worst response |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  TASK_SET.forEach((t, i) => {
    const [e, r, m] = runs.map((x) => x.tasks[i]!) as [TaskResult, TaskResult, TaskResult];
    table.push(
      `| ${t.name} | ${t.c} / ${t.p} | ${e.jobs} | ${e.misses} | ${e.worstResponseMs.toFixed(2)} ms | ${r.misses} | ${r.worstResponseMs.toFixed(2)} ms | ${m.misses} | ${m.worstResponseMs.toFixed(2)} ms |`,
    );
  });
  console.log(table.join('\n'));
  const figDir = join(root, 'tools/bench/results');
  mkdirSync(figDir, { recursive: true });
  const window = await Promise.all([
    runTaskSet('edf', 40),
    runTaskSet('rr', 40),
    runTaskSet('mlq', 40),
  ]);
  writeFileSync(join(figDir, 'sched-edf-vs-rr.svg'), timelineSvg(window, TASK_SET, 40));
  writeFileSync(join(figDir, 'sched-edf.trace.json'), window[0]!.chromeTrace);
  writeFileSync(join(figDir, 'sched-rr.trace.json'), window[1]!.chromeTrace);
  writeFileSync(join(figDir, 'sched-mlq.trace.json'), window[2]!.chromeTrace);
  writeSection(root, {
    floor,
    micro: rows.join('\n'),
    edf: table.join('\n'),
    util: utilisation(TASK_SET),
    horizon,
    repeat: REPEAT,
    n: N,
  });
}

await main();
