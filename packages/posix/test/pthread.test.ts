import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkPthread, RkPthreadOnce } from '../src/index';
import { setup } from './helpers';

describe('pthreads', () => {
  it('create/join carries any value, from return or pthread_exit; self and equal', async () => {
    const { px, run } = setup();
    await run(async () => {
      const t = px.pthreadCreate(async (arg) => {
        await px.sched.yield();
        return { got: arg };
      }, 'a') as RkPthread;
      const e = px.pthreadCreate(async () => {
        const inner = () => px.threads.exit(-7);
        inner();
        return 'not reached';
      }) as RkPthread;
      const me = px.threads.self();
      const out = { value: undefined as unknown };
      expect(await px.threads.join(t, out)).toBe(0);
      expect(out.value).toEqual({ got: 'a' });
      expect(await px.threads.join(e, out)).toBe(0);
      expect(out.value).toBe(-7);
      expect(px.threads.equal(me, px.threads.self())).toBe(true);
      expect(px.threads.equal(me, t)).toBe(false);
      // Reaped: no such thread now.
      expect(await px.threads.join(t)).toBe(-Errno.ESRCH);
      expect(() => px.threads.exit(1)).toThrow(/EPERM/);
    });
  });

  it('join errors: itself (EDEADLK), detached (EINVAL), a second joiner (EINVAL); detach twice', async () => {
    const { px, sched, run } = setup();
    await run(async () => {
      let selfJoin = 0;
      const t = px.pthreadCreate(async () => {
        selfJoin = await px.threads.join(px.threads.self());
        await sched.sleep(1_000_000);
        return 5;
      }) as RkPthread;
      const second = px.pthreadCreate(async () => {
        const o = { value: undefined as unknown };
        return [await px.threads.join(t, o), o.value];
      }) as RkPthread;
      await sched.yield(); // t runs (and parks), then second starts joining it
      const out = { value: undefined as unknown };
      expect(await px.threads.join(t, out)).toBe(-Errno.EINVAL); // second is joining it
      expect(await px.threads.join(second, out)).toBe(0);
      expect(out.value).toEqual([0, 5]);
      expect(selfJoin).toBe(-Errno.EDEADLK);
      const d = px.pthreadCreate(async () => 1, undefined, { detached: true }) as RkPthread;
      expect(await px.threads.join(d)).toBe(-Errno.EINVAL);
      const d2 = px.pthreadCreate(async () => 1) as RkPthread;
      expect(px.threads.detach(d2)).toBe(0);
      expect(px.threads.detach(d2)).toBe(-Errno.EINVAL);
      await sched.sleep(1000);
      expect(px.threads.detach(d2)).toBe(-Errno.ESRCH); // ended and reaped, as it was detached
    });
  });

  it('keys: per-thread values, destructors at exit (re-run while values are set again), delete', async () => {
    const { px, run } = setup();
    await run(async () => {
      const log: string[] = [];
      let again = 2;
      const k1 = px.threads.keyCreate((v) => {
        log.push(`k1:${v}`);
        if (again-- > 0) px.threads.setspecific(k1, `${v}+`);
      });
      const k2 = px.threads.keyCreate(null);
      expect(px.threads.setspecific(k1, 'main')).toBe(0);
      const t = px.pthreadCreate(async () => {
        expect(px.threads.getspecific(k1)).toBeUndefined();
        px.threads.setspecific(k1, 't');
        px.threads.setspecific(k2, 'no destructor');
        px.threads.exit(0);
      }) as RkPthread;
      expect(await px.threads.join(t)).toBe(0);
      expect(log).toEqual(['k1:t', 'k1:t+', 'k1:t++']);
      expect(px.threads.getspecific(k1)).toBe('main');
      expect(px.threads.keyDelete(k1)).toBe(0);
      expect(px.threads.keyDelete(k1)).toBe(-Errno.EINVAL);
      expect(px.threads.getspecific(k1)).toBeUndefined();
      expect(px.threads.setspecific(k1, 1)).toBe(-Errno.EINVAL);
      // Four rounds at most (PTHREAD_DESTRUCTOR_ITERATIONS).
      let rounds = 0;
      const k3 = px.threads.keyCreate(() => {
        rounds++;
        px.threads.setspecific(k3, 'forever');
      });
      const u = px.pthreadCreate(async () => px.threads.setspecific(k3, 'x')) as RkPthread;
      await px.threads.join(u);
      expect(rounds).toBe(4);
    });
  });

  it('once runs the routine once; threads arriving meanwhile wait for it to finish', async () => {
    const { px, sched, run } = setup();
    await run(async () => {
      const ctl: RkPthreadOnce = { state: 0 };
      let runs = 0;
      const done: number[] = [];
      const init = async () => {
        runs++;
        await sched.sleep(2_000_000);
      };
      const ts = [0, 1, 2].map(
        (i) =>
          px.pthreadCreate(async () => {
            await px.threads.once(ctl, init);
            done.push(i);
            expect(ctl.state).toBe(2);
          }) as RkPthread,
      );
      for (const t of ts) await px.threads.join(t);
      expect(runs).toBe(1);
      expect(done.sort()).toEqual([0, 1, 2]);
      const bad: RkPthreadOnce = { state: 0 };
      await expect(
        px.threads.once(bad, () => {
          throw new Error('init failed');
        }),
      ).rejects.toThrow('init failed');
      expect(bad.state).toBe(0);
    });
  });
});
