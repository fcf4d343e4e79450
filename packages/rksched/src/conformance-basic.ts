// Conformance: thread life cycle, yield fairness, CPU fairness under slicing, priorities, TLS,
// errors and statistics (part of describeRkSched).
import { Errno } from '@runikraft/errno';
import { expect, it } from 'vitest';
import type { RkSchedCapabilities, RkSchedKitContext } from './conformance';

export function basicSuite(ctx: RkSchedKitContext, caps: RkSchedCapabilities): void {
  it('runMain runs main in a thread and returns its status', () =>
    ctx.run({}, async ({ sched }) => {
      const st = await sched.runMain(async () => {
        expect(sched.current().name).toBe('main');
        return 7;
      });
      expect(st).toBe(7);
    }));

  it('join returns the exit value (return or exit()), and reaps', () =>
    ctx.run({}, async ({ sched }) => {
      await sched.runMain(async () => {
        const a = sched.create(async (x: number) => x * 2, [21], { name: 'a' });
        const b = sched.spawn('b', async () => {
          await sched.yield();
          sched.exit(5);
        });
        expect(await sched.join(a)).toBe(42);
        expect(await sched.join(b)).toBe(5);
        expect(a.state).toBe('exited');
        await expect(sched.join(a)).rejects.toMatchObject({ errno: Errno.EINVAL });
        await expect(sched.join(sched.current())).rejects.toMatchObject({ errno: Errno.EDEADLK });
        const d = sched.spawn('d', () => 0, { detached: true });
        await expect(sched.join(d)).rejects.toMatchObject({ errno: Errno.EINVAL });
        await sched.yield();
        expect(d.state).toBe('exited');
        expect(sched.threads().map((t) => t.name)).toEqual(['main']);
        return 0;
      });
    }));

  it('yield alternates equal-priority threads in FIFO order', () =>
    ctx.run({}, async ({ sched }) => {
      const trace: string[] = [];
      await sched.runMain(async () => {
        const ts = ['a', 'b', 'c'].map((n) =>
          sched.spawn(n, async () => {
            for (let i = 0; i < 3; i++) {
              trace.push(n);
              await sched.yield();
            }
          }),
        );
        for (const t of ts) await sched.join(t);
        return 0;
      });
      expect(trace.join('')).toBe('abcabcabc');
    }));

  if (caps.timeSlicing && ctx.env.clockRunsWhileComputing) {
    it('CPU-bound threads share the CPU fairly through preemption points', () =>
      ctx.run({ cpuNsPerPoll: 10_000 }, async ({ sched, now }) => {
        const stop = 200_000_000;
        await sched.runMain(async () => {
          const ts = [0, 1, 2].map((i) =>
            sched.spawn(`cpu${i}`, async () => {
              while (now() < stop) await sched.preemptPoint();
            }),
          );
          const cpu = ts.map((t) => t);
          for (const t of ts) await sched.join(t);
          const shares = cpu.map((t) => t.cpuNs / now());
          for (const s of shares) expect(Math.abs(s - 1 / 3)).toBeLessThan(0.1);
          return 0;
        });
        expect(sched.stats().preemptions).toBeGreaterThan(3);
      }));
  }

  if (caps.priorities) {
    it('a woken higher-priority thread runs at the next preemption point, before lower ones', () =>
      ctx.run({}, async ({ sched }) => {
        const trace: string[] = [];
        await sched.runMain(async () => {
          const wq = sched.waitQueue();
          const hi = sched.spawn(
            'hi',
            async () => {
              await wq.wait();
              trace.push('hi');
            },
            { prio: 10 },
          );
          const lo = sched.spawn(
            'lo',
            async () => {
              trace.push('lo');
            },
            { prio: 1 },
          );
          await sched.yield(); // hi parks on wq; lo may run
          wq.wakeOne();
          await sched.preemptPoint();
          trace.push('main');
          await sched.join(hi);
          await sched.join(lo);
          return 0;
        });
        expect(trace.indexOf('hi')).toBeLessThan(trace.indexOf('main'));
      }));
  }

  it('thread-local storage is per thread', () =>
    ctx.run({}, async ({ sched }) => {
      const key = sched.tlsKey(() => 0);
      await sched.runMain(async () => {
        const ts = [1, 2, 3].map((v) =>
          sched.spawn(`t${v}`, async () => {
            key.set(v);
            await sched.yield();
            return key.get();
          }),
        );
        const out = [];
        for (const t of ts) out.push(await sched.join(t));
        expect(out).toEqual([1, 2, 3]);
        expect(key.get()).toBe(0);
        return 0;
      });
    }));

  it('a throwing thread fails runMain with a message naming it', () =>
    ctx.run({}, async ({ sched }) => {
      const p = sched.runMain(async () => {
        sched.spawn('bad', () => {
          throw new Error('boom');
        });
        await sched.yield(); // a 1 µs sleep may already be over on a running clock: no park
        await sched.sleep(1000);
        return 0;
      });
      await expect(p).rejects.toThrow(/thread "bad".*boom/);
    }));

  it('kill ends a blocked thread at its next dispatch with the given value', () =>
    ctx.run({}, async ({ sched }) => {
      await sched.runMain(async () => {
        const wq = sched.waitQueue();
        let after = false;
        const t = sched.spawn('victim', async () => {
          await wq.wait();
          after = true;
        });
        await sched.yield();
        sched.kill(t, 9);
        expect(await sched.join(t)).toBe(9);
        expect(after).toBe(false);
        return 0;
      });
    }));

  it('counts switches, wake-ups and wake-up latency; blocking outside a thread is refused', () =>
    ctx.run({}, async ({ sched }) => {
      expect(() => sched.current()).toThrow(/outside thread context/);
      await sched.runMain(async () => {
        const t = sched.spawn('s', () => sched.sleep(1000).then(() => 0));
        await sched.join(t);
        return 0;
      });
      const s = sched.stats();
      expect(s.switches).toBeGreaterThanOrEqual(3);
      expect(s.wakeups).toBeGreaterThanOrEqual(1);
      expect(s.wakeLatency.count).toBeGreaterThanOrEqual(1);
      expect(s.threadsCreated).toBe(2);
    }));

  it('keeps working when the platform asks for host turns at preemption points and switches', () =>
    ctx.run({ hostTurnEvery: 3 }, async ({ sched }) => {
      const trace: number[] = [];
      await sched.runMain(async () => {
        const ts = [0, 1].map((i) =>
          sched.spawn(`p${i}`, async () => {
            for (let k = 0; k < 20; k++) {
              trace.push(i);
              await sched.yield();
              await sched.preemptPoint();
            }
          }),
        );
        for (const t of ts) await sched.join(t);
        return 0;
      });
      expect(trace.length).toBe(40);
    }));
}
