// Argument checks for thread attributes (written once in the front end, never in each policy).
import { Errno, RkError } from '@runikraft/errno';
import type { RkThreadAttr } from './api';

function bad(what: string): never {
  throw new RkError(Errno.EINVAL, `rksched: ${what}`);
}

/** Throws RkError EINVAL naming the first invalid attribute. */
export function validateAttr(a: RkThreadAttr): void {
  if (a.prio !== undefined && (!Number.isInteger(a.prio) || a.prio < -1000 || a.prio > 1000)) {
    bad(`priority ${a.prio} is not an integer in [-1000, 1000]`);
  }
  if (a.cpu !== undefined && !(Number.isInteger(a.cpu) && a.cpu >= 0))
    bad(`cpu ${a.cpu} is not a CPU index (an integer >= 0)`);
  const rt = a.rt;
  if (!rt) return;
  const pos = (v: number | undefined, name: string) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      bad(`${name} ${v} must be a positive number of ns`);
  };
  pos(rt.period, 'rt.period');
  if (rt.period === undefined) bad('rt.period is required for a real-time thread');
  pos(rt.deadline, 'rt.deadline');
  pos(rt.budget, 'rt.budget');
  if (rt.phase !== undefined && !(Number.isFinite(rt.phase) && rt.phase >= 0))
    bad(`rt.phase ${rt.phase} must be >= 0`);
  const dl = rt.deadline ?? rt.period;
  if (dl > rt.period)
    bad(`rt.deadline ${dl} exceeds rt.period ${rt.period} (constrained deadlines only)`);
  if (rt.budget !== undefined && rt.budget > dl)
    bad(`rt.budget ${rt.budget} exceeds the deadline ${dl}`);
}
