// The four thread scenarios every scheduler image runs (issue 4 "Apps and proof").
import { Errno } from '@runikraft/errno';
import type { RkLockApi } from '@runikraft/rklock';
import type { RkMboxApi } from '@runikraft/rkmbox';
import type { RkSched } from '@runikraft/rksched';
import { type RkSignals, SIG } from '@runikraft/rksignal';
import type { RkTimeApi } from '@runikraft/rktime';

export interface Kit {
  sched: RkSched;
  locks: RkLockApi;
  mbox: RkMboxApi;
  signals: RkSignals;
  time: RkTimeApi;
  say(line: string): void;
}

/** Producer/consumer over a bounded mailbox. @returns true if every message arrived once. */
export async function mailbox({ sched, mbox, say }: Kit): Promise<boolean> {
  const box = mbox.create<number>(4);
  let sum = 0;
  let count = 0;
  const producers = [0, 1, 2].map((p) =>
    sched.spawn(`producer${p}`, async () => {
      for (let i = 1; i <= 50; i++) await box.post(p * 1000 + i);
    }),
  );
  const consumers = [0, 1].map((c) =>
    sched.spawn(`consumer${c}`, async () => {
      for (;;) {
        const r = await box.recv(50_000_000);
        if (!r.ok) return r.errno === Errno.ETIMEDOUT ? 0 : 1;
        sum += r.msg;
        count++;
      }
    }),
  );
  for (const t of producers) await sched.join(t);
  let bad = 0;
  for (const t of consumers) bad += await sched.join(t);
  const want = (3 * (50 * 51)) / 2 + 50 * (0 + 1000 + 2000);
  say(
    `mailbox: ${count} messages from 3 producers to 2 consumers, sum ${sum === want ? 'ok' : `WRONG ${sum}`}`,
  );
  return count === 150 && sum === want && bad === 0;
}

/** Many threads contending a mutex. @returns true if the section stayed exclusive. */
export async function mutex({ sched, locks, say }: Kit): Promise<boolean> {
  const m = locks.mutex();
  let inside = 0;
  let maxInside = 0;
  let counter = 0;
  const ts = Array.from({ length: 8 }, (_, i) =>
    sched.spawn(`worker${i}`, async () => {
      for (let k = 0; k < 100; k++) {
        await m.lock();
        inside++;
        maxInside = Math.max(maxInside, inside);
        const v = counter;
        await sched.yield(); // give others every chance to break exclusion
        counter = v + 1;
        inside--;
        m.unlock();
      }
    }),
  );
  for (const t of ts) await sched.join(t);
  say(
    `mutex: 8 threads x 100 increments = ${counter}, max inside ${maxInside}, contended ${m.contended}`,
  );
  return counter === 800 && maxInside === 1;
}

/** A periodic task driven by a kernel timer. @returns true if it ran exactly on period. */
export async function periodic({ sched, time, say }: Kit): Promise<boolean> {
  const timer = time.timer();
  const period = 10_000_000;
  const t0 = sched.now();
  timer.arm(period, period);
  let worst = 0;
  const task = sched.spawn('periodic', async () => {
    for (let k = 1; k <= 10; k++) {
      await timer.wait();
      worst = Math.max(worst, Math.abs(sched.now() - t0 - k * period));
    }
  });
  await sched.join(task);
  timer.disarm();
  say(`timer: 10 activations every 10 ms, worst jitter ${worst} ns`);
  return worst < 1_000_000;
}

/** A signal interrupting a long sleep. @returns true if the sleep ended early with EINTR. */
export async function signal({ sched, signals, time, say }: Kit): Promise<boolean> {
  let handled = '';
  signals.sigaction(SIG.SIGUSR1, (n) => {
    handled = `${sched.current().name} got signal ${n}`;
  });
  const sleeper = sched.spawn('sleeper', async () => {
    const r = await time.clocks.nanosleep(10_000_000_000);
    return r.ret === -Errno.EINTR && r.remainingNs > 9_000_000_000 ? 0 : 1;
  });
  await sched.sleep(5_000_000);
  signals.kill(sleeper, SIG.SIGUSR1);
  const ok = (await sched.join(sleeper)) === 0;
  say(`signal: 10 s sleep interrupted after 5 ms (EINTR), handler: ${handled}`);
  return ok && handled === 'sleeper got signal 10';
}

/**
 * Preemption under a CPU-bound thread (host clock): a thread computing through preemption points
 * must not hold a sleeper (deadline 5 ms in) until it finishes. Judged in the hog's own running time,
 * not in host time: a loaded host deschedules the whole machine for milliseconds at a time while the
 * host clock runs on, so gaps of 0.2 ms or more between two of the hog's preemption points are
 * stalls and not counted. The sleeper must wake while the hog still runs, after at most 4 ms of hog
 * running time past its deadline (RR lets the hog finish its 1 ms slice) and at most 2 preemptions
 * after the hog first saw the deadline pass. Without preemption the hog runs to its 2 s bound first;
 * with a slice far longer than 1 ms the hog runs far past the deadline: either fails the scenario.
 * Wall-clock lateness is printed, not judged.
 * @returns true if the sleeper woke in time.
 */
export async function preemption({ sched, say }: Kit): Promise<boolean> {
  const start = sched.now();
  const deadline = start + 5_000_000;
  const STALL = 200_000;
  let spins = 0;
  let hogDone = false;
  let wokeAt = -1;
  let seenDeadline = -1; // the scheduler's preemption count when the hog first saw the deadline pass
  let ranAfter = 0; // the hog's running time past the deadline while the sleeper had not woken
  const preemptions = () => sched.stats().preemptions;
  // The hog runs until 2 ms (guest clock) after the sleeper woke, or 2 s if it never does.
  const hog = sched.spawn('hog', async () => {
    let last = sched.now();
    for (;;) {
      const now = sched.now();
      if (now >= deadline && wokeAt < 0) {
        if (seenDeadline < 0) seenDeadline = preemptions();
        if (now - last < STALL) ranAfter += Math.min(now - last, now - deadline);
      }
      last = now;
      if (wokeAt >= 0 ? now - wokeAt >= 2_000_000 : now - start >= 2_000_000_000) break;
      spins++;
      await sched.preemptPoint();
    }
    hogDone = true;
  });
  let lateNs = -1;
  let afterSeen = -1;
  let hogRan = -1;
  let hogRunning = false;
  const sleeper = sched.spawn('sleeper', async () => {
    await sched.sleepUntil(deadline);
    wokeAt = sched.now();
    lateNs = wokeAt - deadline;
    hogRunning = !hogDone;
    hogRan = ranAfter;
    afterSeen = seenDeadline < 0 ? 0 : preemptions() - seenDeadline;
  });
  await sched.join(sleeper);
  await sched.join(hog);
  say(
    `preempt: sleeper woke ${(lateNs / 1e6).toFixed(2)} ms late beside a CPU-bound thread (${spins} preemption points, ${preemptions()} preemptions; ${hogRunning ? 'the hog still running' : 'after the hog finished'}, which ran ${(hogRan / 1e6).toFixed(2)} ms past the deadline, host stalls excluded, ${afterSeen} preemption(s) after it saw the deadline)`,
  );
  return lateNs >= 0 && hogRunning && hogRan <= 4_000_000 && afterSeen <= 2 && spins > 0;
}

/** `-- bench`: yield ping-pong inside the booted image; prints guest-clock ns per context switch. */
export async function switchBench({ sched, say }: Kit): Promise<boolean> {
  const n = 20_000;
  const round = async () => {
    const f = async () => {
      for (let i = 0; i < n; i++) await sched.yield();
    };
    const t0 = sched.now();
    const a = sched.spawn('ping', f);
    const b = sched.spawn('pong', f);
    await sched.join(a);
    await sched.join(b);
    return (sched.now() - t0) / (2 * n);
  };
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) runs.push(await round());
  runs.sort((x, y) => x - y);
  say(
    `bench: context switch ${runs[2]!.toFixed(0)} ns (median of 5 x ${2 * n} switches, guest clock)`,
  );
  return true;
}

/** A 10-second nanosleep: exact on the virtual clock (and instant in host time). */
export async function longSleep({ sched, time, say }: Kit): Promise<boolean> {
  const t0 = sched.now();
  const r = await time.clocks.nanosleep(10_000_000_000);
  const slept = sched.now() - t0;
  say(`sleep: nanosleep(10 s) returned ${r.ret} after ${(slept / 1e9).toFixed(6)} s of guest time`);
  return r.ret === 0 && slept >= 10_000_000_000 && slept < 10_001_000_000;
}
