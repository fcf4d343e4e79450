import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import {
  O_NONBLOCK,
  PIPE_SIZE,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLRDNORM,
  type RkPollFd,
} from '../src/index';
import { bytes, setup } from './helpers';

describe('poll', () => {
  it('reports what is ready now, POLLNVAL for a closed fd, skips negative fds', async () => {
    const { px, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      const e = px.eventfd(1);
      const fds: RkPollFd[] = [
        { fd: r, events: POLLIN, revents: -1 },
        { fd: w, events: POLLOUT, revents: -1 },
        { fd: e, events: POLLIN | POLLRDNORM, revents: -1 },
        { fd: 42, events: POLLIN, revents: -1 },
        { fd: -1, events: POLLIN, revents: -1 },
      ];
      expect(await px.poll(fds, 0)).toBe(3);
      expect(fds.map((p) => p.revents)).toEqual([0, POLLOUT, POLLIN | POLLRDNORM, POLLNVAL, 0]);
      await px.close(w);
      // The read end of a pipe without writers hangs up; HUP is reported even when not asked.
      expect(await px.poll(fds.slice(0, 1), 0)).toBe(1);
      expect(fds[0]!.revents).toBe(POLLHUP);
    });
  });

  it('parks until another thread makes a descriptor ready, at that virtual time', async () => {
    const { px, sched, plat, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      const e = px.eventfd(0);
      const t = sched.spawn('writer', async () => {
        await sched.sleep(3_000_000);
        await px.write(w, bytes('x'));
      });
      const t0 = plat.time.monotonicNs();
      const fds: RkPollFd[] = [
        { fd: e, events: POLLIN, revents: 0 },
        { fd: r, events: POLLIN, revents: 0 },
      ];
      expect(await px.poll(fds, -1)).toBe(1);
      expect(fds[1]!.revents).toBe(POLLIN);
      const dt = plat.time.monotonicNs() - t0;
      expect(dt).toBeGreaterThanOrEqual(3_000_000);
      expect(dt).toBeLessThan(3_500_000);
      await sched.join(t);
    });
  });

  it('times out after the timeout on the virtual clock with nothing ready', async () => {
    const { px, plat, run } = setup();
    await run(async () => {
      const [r] = px.pipe() as [number, number];
      const t0 = plat.time.monotonicNs();
      const fds: RkPollFd[] = [{ fd: r, events: POLLIN, revents: 0 }];
      expect(await px.poll(fds, 7_000_000)).toBe(0);
      const dt = plat.time.monotonicNs() - t0;
      expect(dt).toBeGreaterThanOrEqual(7_000_000);
      expect(dt).toBeLessThan(7_100_000);
    });
  });

  it('the write end reports POLLOUT again when a reader drains a full pipe, POLLERR without a reader', async () => {
    const { px, sched, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe(O_NONBLOCK) as [number, number];
      expect(await px.write(w, new Uint8Array(PIPE_SIZE))).toBe(PIPE_SIZE);
      const fds: RkPollFd[] = [{ fd: w, events: POLLOUT, revents: 0 }];
      expect(await px.poll(fds, 0)).toBe(0);
      const t = sched.spawn('drain', async () => {
        await sched.sleep(1_000_000);
        await px.read(r, new Uint8Array(10_000));
      });
      expect(await px.poll(fds, -1)).toBe(1);
      expect(fds[0]!.revents).toBe(POLLOUT);
      await sched.join(t);
      await px.close(r);
      expect(await px.poll(fds, 0)).toBe(1);
      expect(fds[0]!.revents & POLLERR).toBe(POLLERR);
    });
  });
});

describe('select', () => {
  it('returns the ready descriptors in the sets, EBADF for a closed one, waits with a timeout', async () => {
    const { px, sched, plat, run } = setup();
    await run(async () => {
      const [r, w] = px.pipe() as [number, number];
      const [r2] = px.pipe() as [number, number];
      const sets = { read: new Set([r, r2]), write: new Set([w]), except: new Set<number>() };
      expect(await px.select(10, sets, 0)).toBe(1);
      expect([...sets.read]).toEqual([]);
      expect([...sets.write]).toEqual([w]);
      expect(await px.select(100, { read: new Set([99]), write: null, except: null }, 0)).toBe(
        -Errno.EBADF,
      );
      expect(await px.select(-1, { read: null, write: null, except: null }, 0)).toBe(-Errno.EINVAL);
      const t = sched.spawn('w', async () => {
        await sched.sleep(2_000_000);
        await px.write(w, bytes('hi'));
      });
      const rs = { read: new Set([r, r2]), write: null, except: null };
      expect(await px.select(10, rs, -1)).toBe(1);
      expect([...rs.read]).toEqual([r]);
      await sched.join(t);
      const t0 = plat.time.monotonicNs();
      const none = { read: new Set([r2]), write: null, except: null };
      expect(await px.select(10, none, 4_000_000)).toBe(0);
      expect(none.read.size).toBe(0);
      expect(plat.time.monotonicNs() - t0).toBeGreaterThanOrEqual(4_000_000);
    });
  });
});
