// sched-rr (and sched-edf, sched-mlq): threads demo — mailbox, mutex, periodic timer, signals —
// on whichever rksched policy the app's package.json selects. Exit status 0 = all scenarios passed.
import type { RkMainArgs } from '@runikraft/rkboot';
import { getLocks } from '@runikraft/rklock';
import { getMbox } from '@runikraft/rkmbox';
import { getSched } from '@runikraft/rksched';
import { getSignals } from '@runikraft/rksignal';
import { getTime } from '@runikraft/rktime';
import {
  type Kit,
  longSleep,
  mailbox,
  mutex,
  periodic,
  preemption,
  signal,
  switchBench,
} from './scenarios';

export default async function main({ argv, registry, plat }: RkMainArgs): Promise<number> {
  const sched = getSched(registry);
  const kit: Kit = {
    sched,
    locks: getLocks(registry),
    mbox: getMbox(registry),
    signals: getSignals(registry),
    time: getTime(registry),
    say: (line) => plat.console.out(`${line}\n`),
  };
  kit.say(`sched: policy ${sched.policy}`);
  let failed = 0;
  // `-append "-- preempt"` runs the host-clock preemption scenario instead of the four demos.
  // `-- bench` measures context switches in the booted image (tools/bench).
  const scenarios = argv.includes('preempt')
    ? [preemption]
    : argv.includes('bench')
      ? [switchBench]
      : [mailbox, mutex, periodic, signal, longSleep];
  for (const scenario of scenarios) if (!(await scenario(kit))) failed++;
  const s = sched.stats();
  kit.say(
    `sched: ${s.switches} switches, ${s.threadsCreated} threads, ${s.wakeups} wake-ups, ${s.idleHalts} idle halts, guest time ${(sched.now() / 1e6).toFixed(1)} ms`,
  );
  kit.say(
    failed === 0 ? 'sched demo: all scenarios passed' : `sched demo: ${failed} scenario(s) FAILED`,
  );
  return failed;
}
