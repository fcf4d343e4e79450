// Conformance: the layer's one error convention (README "Errors") — wait outcomes are results,
// failures are RkErrors, and promise-returning calls reject instead of throwing (part of describeRkSched).
import { Errno, RkError } from '@runikraft/errno';
import { expect, it } from 'vitest';
import type { RkThread } from './api';
import type { RkSchedKitContext } from './conformance';

/** Calls `f` and returns its promise; a synchronous throw fails the test (the convention). */
function call<T>(what: string, f: () => Promise<T>): Promise<T> {
  let p: Promise<T> | undefined;
  expect(() => {
    p = f();
  }, `${what} must reject, not throw`).not.toThrow();
  return p!;
}

const rkError = (errno: number, msg: RegExp) =>
  expect.objectContaining({ name: 'RkError', errno, message: expect.stringMatching(msg) });

export function errorSuite(ctx: RkSchedKitContext): void {
  it('errors: promise-returning calls reject with an RkError outside thread context', () =>
    ctx.run({}, async ({ sched }) => {
      const ops: [string, () => Promise<unknown>][] = [
        ['yield', () => sched.yield()],
        ['sleep', () => sched.sleep(1000)],
        ['sleepUntil', () => sched.sleepUntil(1000)],
        ['waitPeriod', () => sched.waitPeriod()],
        ['wait', () => sched.waitQueue().wait(1000)],
        ['waitEvent', () => sched.waitQueue().waitEvent(() => false, 1000)],
      ];
      for (const [op, f] of ops) {
        const p = call(op, f);
        await expect(p, op).rejects.toBeInstanceOf(RkError);
        await expect(p, op).rejects.toEqual(rkError(Errno.EPERM, new RegExp(`${op}\\(\\)`)));
      }
      expect(() => sched.current()).toThrow(RkError);
      expect(() => sched.exit(0)).toThrow(expect.objectContaining({ errno: Errno.EPERM }));
    }));

  it('errors: bad arguments are RkError EINVAL naming the value; wait outcomes stay results', () =>
    ctx.run({}, async ({ sched }) => {
      const forged = { id: 99, name: 'forged', toString: () => 'forged' } as unknown as RkThread;
      await sched.runMain(async () => {
        const wq = sched.waitQueue();
        await expect(call('sleep', () => sched.sleep(Number.NaN))).rejects.toEqual(
          rkError(Errno.EINVAL, /sleep\(\): time is NaN/),
        );
        await expect(call('wait', () => wq.wait(Number.NaN))).rejects.toEqual(
          rkError(Errno.EINVAL, /wait\(\): time is NaN/),
        );
        await expect(call('join', () => sched.join(forged))).rejects.toEqual(
          rkError(Errno.EINVAL, /forged is not an rksched thread/),
        );
        await expect(call('waitPeriod', () => sched.waitPeriod())).rejects.toEqual(
          rkError(Errno.EINVAL, /"main" is not periodic/),
        );
        expect(() => sched.spawn('p', () => 0, { prio: 0.5 })).toThrow(
          rkError(Errno.EINVAL, /priority 0.5/),
        );
        expect(() => sched.activate(sched.current())).toThrow(
          rkError(Errno.EINVAL, /not sporadic/),
        );
        // Outcomes of a wait are not failures: numbers, never exceptions.
        expect(await wq.wait(1000)).toBe(-Errno.ETIMEDOUT);
        expect(await sched.sleep(-5)).toBe(0);
        const me = sched.current();
        sched.spawn('poke', () => void sched.interrupt(me));
        expect(await sched.sleep(1_000_000_000)).toBe(-Errno.EINTR);
        return 0;
      });
    }));

  it('errors: a thread calling plat.lcpu.halt*() gets RkError EPERM and the others keep running', () =>
    ctx.run({}, async ({ plat, sched }) => {
      const order: string[] = [];
      await sched.runMain(async () => {
        const other = sched.spawn('other', async () => {
          await sched.sleep(1000);
          order.push('other');
        });
        await expect(call('halt', () => plat.lcpu.halt())).rejects.toEqual(
          rkError(Errno.EPERM, /plat\.lcpu\.halt\(\) called from thread "main"/),
        );
        await expect(
          call('haltUntil', () => plat.lcpu.haltUntil(sched.now() + 1e9)),
        ).rejects.toEqual(rkError(Errno.EPERM, /haltUntil\(\) called from thread "main"/));
        await sched.join(other);
        order.push('main');
        return 0;
      });
      expect(order).toEqual(['other', 'main']);
    }));
}
