// Writes the "Threads (issue 4)" section of BENCHMARKS.md between its markers (other sections
// are left untouched).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const BEGIN = '<!-- bench:sched begin (written by pnpm --filter @runikraft/bench bench:sched) -->';
const END = '<!-- bench:sched end -->';

export interface SchedReport {
  floor: number;
  micro: string;
  edf: string;
  util: number;
  horizon: number;
  repeat: number;
  n: number;
}

export function writeSection(root: string, r: SchedReport): void {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = `${BEGIN}
## Threads (issue 4)

\`\`\`sh
pnpm --filter @runikraft/bench bench:sched      # RK_BENCH_REPEAT=${r.repeat} RK_BENCH_N=${r.n}
\`\`\`

Measured ${when} UTC on ${cpus()[0]?.model ?? 'unknown CPU'} (2 cores shared with other work; noisy), Node ${process.version}.
Host time per operation (median of ${r.repeat} runs) with each policy's front end on the simulated
platform (\`@runikraft/rksched/sim\`), next to the JavaScript floor measured in the same run: two async
functions handing control to each other through one promise resolve + await (median ${r.floor.toFixed(0)} ns per
hop). Each figure is paired with a floor measured just before it; the ratio is the median of the per-pair ratios.
Target: a context switch within 2× of the floor. The last row boots \`apps/sched-<policy>\` with
\`-- bench\` on the machine (host clock) and reads the guest's own figure (median of 5 rounds of
40 000 switches): it adds the platform's cost per switch (\`hart.poll()\`, an mtime read).

${r.micro}

### EDF experiment (virtual clock, utilisation ${r.util.toFixed(2)})

Periodic tasks, deadline = period, jobs computed at 10 µs preemption points, ${r.horizon} ms of virtual
time; RR and MLQ with a 1 ms (top-level) slice. Same task code and \`waitPeriod()\` under every policy
(jobs per task are equal under all three: a late job still completes).

${r.edf}

![EDF vs RR timeline](tools/bench/results/sched-edf-vs-rr.svg)

Chrome trace-event files for Perfetto (rkdebug's trace ring, one track per thread):
\`tools/bench/results/sched-edf.trace.json\`, \`tools/bench/results/sched-rr.trace.json\`, \`tools/bench/results/sched-mlq.trace.json\`.
${END}`;
  const file = join(root, 'BENCHMARKS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const a = old.indexOf(BEGIN);
  const b = old.indexOf(END);
  const next =
    a >= 0 && b > a
      ? old.slice(0, a) + section + old.slice(b + END.length)
      : `${old.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
