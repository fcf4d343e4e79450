// Micro-benchmarks of the thread primitives (issue 4 "Benchmarks"), host time per operation, next to
// the JavaScript floor measured in the same run: one promise resolve + await hop.
import { RkMutex } from '../../../../packages/rklock/src/mutex';
import { RkMbox } from '../../../../packages/rkmbox/src/mbox';
import { makeSched, type PolicyName } from './policies';

/** ns per hop of two async functions handing control to each other through promises. */
export async function jsFloor(n: number): Promise<number> {
  let resumeA: () => void = () => {};
  let resumeB: () => void = () => {};
  const a = async () => {
    for (let i = 0; i < n; i++) {
      const p = new Promise<void>((r) => (resumeA = r));
      resumeB();
      await p;
    }
    resumeB();
  };
  const b = async () => {
    for (let i = 0; i < n; i++) {
      const p = new Promise<void>((r) => (resumeB = r));
      resumeA();
      await p;
    }
    resumeA();
  };
  const t0 = performance.now();
  const pb = b();
  await a();
  await pb;
  return ((performance.now() - t0) * 1e6) / (2 * n);
}

/** Runs `body` as main of a fresh scheduler; returns host ns per `ops`. */
async function timed(
  policy: PolicyName,
  ops: number,
  body: (s: ReturnType<typeof makeSched>['sched']) => Promise<void>,
): Promise<number> {
  const { sched } = makeSched(policy);
  let ns = 0;
  await sched.runMain(async () => {
    const t0 = performance.now();
    await body(sched);
    ns = ((performance.now() - t0) * 1e6) / ops;
    return 0;
  });
  return ns;
}

export const MICRO = {
  /** Yield ping-pong between two threads: ns per context switch. */
  switch: (p: PolicyName, n: number) =>
    timed(p, 2 * n, async (s) => {
      const f = async () => {
        for (let i = 0; i < n; i++) await s.yield();
      };
      const a = s.spawn('a', f);
      const b = s.spawn('b', f);
      await s.join(a);
      await s.join(b);
    }),
  /** Thread create + join: ns per thread. */
  createJoin: (p: PolicyName, n: number) =>
    timed(p, n, async (s) => {
      for (let i = 0; i < n; i++) await s.join(s.spawn('t', () => 0));
    }),
  /** Wait-queue wake-up: a thread wakes a waiter which wakes it back; ns per wake-up (+ switch). */
  wakeup: (p: PolicyName, n: number) =>
    timed(p, 2 * n, async (s) => {
      const q1 = s.waitQueue();
      const q2 = s.waitQueue();
      let turn = 0;
      const peer = s.spawn('peer', async () => {
        for (let i = 0; i < n; i++) {
          await q1.waitEvent(() => turn === 1);
          turn = 0;
          q2.wakeOne();
        }
      });
      for (let i = 0; i < n; i++) {
        turn = 1;
        q1.wakeOne();
        await q2.waitEvent(() => turn === 0);
      }
      await s.join(peer);
    }),
  /** Mutex lock + unlock, no contention: ns per pair. */
  mutexFree: (p: PolicyName, n: number) =>
    timed(p, n, async (s) => {
      const m = new RkMutex(s);
      for (let i = 0; i < n; i++) {
        await m.lock();
        m.unlock();
      }
    }),
  /** Two threads taking turns on a mutex (each hand-off parks one): ns per lock. */
  mutexContended: (p: PolicyName, n: number) =>
    timed(p, 2 * n, async (s) => {
      const m = new RkMutex(s);
      const f = async () => {
        for (let i = 0; i < n; i++) {
          await m.lock();
          await s.yield();
          m.unlock();
        }
      };
      const a = s.spawn('a', f);
      const b = s.spawn('b', f);
      await s.join(a);
      await s.join(b);
    }),
  /** Request/reply through two mailboxes: ns per round trip. */
  mboxRoundTrip: (p: PolicyName, n: number) =>
    timed(p, n, async (s) => {
      const req = new RkMbox<number>(s, 1);
      const rep = new RkMbox<number>(s, 1);
      const server = s.spawn('server', async () => {
        for (let i = 0; i < n; i++) {
          const r = await req.recv();
          if (r.ok) await rep.post(r.msg + 1);
        }
      });
      for (let i = 0; i < n; i++) {
        await req.post(i);
        await rep.recv();
      }
      await s.join(server);
    }),
};
export type MicroName = keyof typeof MICRO;
