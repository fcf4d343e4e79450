import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import {
  EPOLL_CLOEXEC,
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_CTL_MOD,
  EPOLLET,
  EPOLLHUP,
  EPOLLIN,
  EPOLLONESHOT,
  EPOLLOUT,
  F_GETFD,
  FD_CLOEXEC,
  O_CREAT,
  O_RDWR,
} from '../src/index';
import { bytes, setup, withFs } from './helpers';

describe('epoll', () => {
  it('level-triggered reports while data remains; edge-triggered once per new write', async () => {
    const { px, run } = setup();
    await run(async () => {
      const [r1, w1] = px.pipe() as [number, number];
      const [r2, w2] = px.pipe() as [number, number];
      const ep = px.epollCreate();
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, r1, { events: EPOLLIN, data: 'lt' })).toBe(0);
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, r2, { events: EPOLLIN | EPOLLET, data: 'et' })).toBe(0);
      await px.write(w1, bytes('abcd'));
      await px.write(w2, bytes('abcd'));
      const datas = async () =>
        ((await px.epollWait(ep, 8, 0)) as { data: unknown }[]).map((e) => e.data).sort();
      expect(await datas()).toEqual(['et', 'lt']);
      // Nothing read: LT reports again, ET does not.
      expect(await datas()).toEqual(['lt']);
      await px.read(r1, new Uint8Array(2));
      await px.read(r2, new Uint8Array(2));
      expect(await datas()).toEqual(['lt']);
      // New data is a new edge.
      await px.write(w2, bytes('e'));
      expect(await datas()).toEqual(['et', 'lt']);
      await px.read(r1, new Uint8Array(10));
      expect(await datas()).toEqual([]);
    });
  });

  it('EPOLLONESHOT reports once until EPOLL_CTL_MOD re-arms it', async () => {
    const { px, run } = setup();
    await run(async () => {
      const e = px.eventfd(1);
      const ep = px.epollCreate();
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, e, { events: EPOLLIN | EPOLLONESHOT, data: 1 })).toBe(
        0,
      );
      expect(await px.epollWait(ep, 4, 0)).toEqual([{ events: EPOLLIN, data: 1 }]);
      expect(await px.epollWait(ep, 4, 0)).toEqual([]);
      expect(px.epollCtl(ep, EPOLL_CTL_MOD, e, { events: EPOLLIN | EPOLLOUT, data: 2 })).toBe(0);
      const got = (await px.epollWait(ep, 4, 0)) as { events: number; data: unknown }[];
      expect(got.length).toBe(1);
      expect(got[0]!.data).toBe(2);
      expect(got[0]!.events & (EPOLLIN | EPOLLOUT)).toBe(EPOLLIN | EPOLLOUT);
    });
  });

  it('epoll_wait parks until another thread writes, times out on the virtual clock, honours maxevents', async () => {
    const { px, sched, plat, run } = setup();
    await run(async () => {
      const ep = px.epollCreate(EPOLL_CLOEXEC);
      expect(px.fcntl(ep, F_GETFD)).toBe(FD_CLOEXEC);
      const pipes = [0, 1, 2].map(() => px.pipe() as [number, number]);
      for (const [i, [r]] of pipes.entries())
        expect(px.epollCtl(ep, EPOLL_CTL_ADD, r, { events: EPOLLIN, data: i })).toBe(0);
      const t0 = plat.time.monotonicNs();
      expect(await px.epollWait(ep, 4, 5_000_000)).toEqual([]);
      expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(5_000_000);
      const t = sched.spawn('w', async () => {
        await sched.sleep(2_000_000);
        await px.write(pipes[1]![1], bytes('x'));
        await px.write(pipes[2]![1], bytes('y'));
      });
      const t1 = plat.time.monotonicNs();
      const got = (await px.epollWait(ep, 1, -1)) as { data: unknown }[];
      expect(got).toEqual([{ events: EPOLLIN, data: 1 }]);
      expect(plat.time.monotonicNs() - t1).toBeGreaterThanOrEqual(2_000_000);
      await sched.join(t);
      // Level-triggered items rotate: the other ready one comes first now.
      expect(((await px.epollWait(ep, 1, 0)) as { data: unknown }[])[0]!.data).toBe(2);
      expect(await px.epollWait(ep, 0, 0)).toBe(-Errno.EINVAL);
    });
  });

  it('ctl errors: EEXIST, ENOENT, EBADF, EINVAL (itself, not an epoll), EPERM (regular file)', async () => {
    const { px, run, vfs } = await withFs();
    await run(async () => {
      const ep = px.epollCreate();
      const [r, w] = px.pipe() as [number, number];
      const ev = { events: EPOLLIN, data: 0 };
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, r, ev)).toBe(0);
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, r, ev)).toBe(-Errno.EEXIST);
      expect(px.epollCtl(ep, EPOLL_CTL_MOD, w, ev)).toBe(-Errno.ENOENT);
      expect(px.epollCtl(ep, EPOLL_CTL_DEL, w, null)).toBe(-Errno.ENOENT);
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, 99, ev)).toBe(-Errno.EBADF);
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, ep, ev)).toBe(-Errno.EINVAL);
      expect(px.epollCtl(r, EPOLL_CTL_ADD, w, ev)).toBe(-Errno.EINVAL);
      expect(px.epollCtl(ep, 9, w, ev)).toBe(-Errno.EINVAL);
      const f = await px.open('/f', O_CREAT | O_RDWR);
      expect(f).toBeGreaterThan(0);
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, f, ev)).toBe(-Errno.EPERM);
      expect(px.epollCtl(ep, EPOLL_CTL_DEL, r, null)).toBe(0);
      expect(px.epollCtl(ep, EPOLL_CTL_DEL, r, null)).toBe(-Errno.ENOENT);
      void vfs;
    });
  });

  it('an item goes when the last descriptor of its file closes, not before (Linux)', async () => {
    const { px, run } = setup();
    await run(async () => {
      const ep = px.epollCreate();
      const [r, w] = px.pipe() as [number, number];
      const d = px.dup(r);
      expect(px.epollCtl(ep, EPOLL_CTL_ADD, r, { events: EPOLLIN, data: 'r' })).toBe(0);
      await px.close(r);
      await px.write(w, bytes('x'));
      expect(await px.epollWait(ep, 4, 0)).toEqual([{ events: EPOLLIN, data: 'r' }]);
      await px.close(d);
      expect(await px.epollWait(ep, 4, 0)).toEqual([]);
      const fileOf = px.fdtab.get(ep)!.file as unknown as { size: number };
      expect(fileOf.size).toBe(0);
    });
  });

  it('an epoll is itself pollable (readable while items are ready), and reports HUP', async () => {
    const { px, run } = setup();
    await run(async () => {
      const inner = px.epollCreate();
      const outer = px.epollCreate();
      const [r, w] = px.pipe() as [number, number];
      expect(px.epollCtl(inner, EPOLL_CTL_ADD, r, { events: EPOLLIN, data: 'r' })).toBe(0);
      expect(px.epollCtl(outer, EPOLL_CTL_ADD, inner, { events: EPOLLIN, data: 'in' })).toBe(0);
      expect(await px.epollWait(outer, 4, 0)).toEqual([]);
      await px.close(w);
      expect(await px.epollWait(outer, 4, 0)).toEqual([{ events: EPOLLIN, data: 'in' }]);
      expect(await px.epollWait(inner, 4, 0)).toEqual([{ events: EPOLLHUP, data: 'r' }]);
    });
  });
});
