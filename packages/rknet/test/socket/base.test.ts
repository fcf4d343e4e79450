import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { RkNetEnv } from '../../src/socket/api';
import { RkSocketBase } from '../../src/socket/base';
import {
  IP_TTL,
  IPPROTO_IP,
  MSG_DONTWAIT,
  RK_POLLIN,
  SO_ERROR,
  SO_RCVBUF,
  SO_RCVTIMEO,
  SO_REUSEADDR,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  TCP_NODELAY,
} from '../../src/socket/consts';
import { simEnv } from '../helpers';

class Probe extends RkSocketBase {
  ready = false;
  constructor(env: RkNetEnv, flags = 0) {
    super(env, SOCK_DGRAM, 17, flags, 65536);
  }
  pollEvents(): number {
    return this.ready ? RK_POLLIN : 0;
  }
  wait(flags = 0): Promise<number> {
    return this.park(() => this.ready, flags, this.opts.rcvTimeoMs);
  }
  fail(errno: number): void {
    this.setError(errno);
  }
}

describe('RkSocketBase', () => {
  it('parks a blocking caller until notify() makes it ready, and tells watchers', async () => {
    const { env, sched } = simEnv();
    const s = new Probe(env);
    const seen: number[] = [];
    const unwatch = s.watch((ev) => seen.push(ev));
    const status = await sched.runMain(async () => {
      const waiter = sched.spawn('w', async () => ((await s.wait()) === 0 ? 0 : 1));
      await sched.sleep(1e6);
      expect(waiter.state).toBe('blocked');
      s.ready = true;
      s.notify();
      return sched.join(waiter);
    });
    expect(status).toBe(0);
    expect(seen).toEqual([RK_POLLIN]);
    unwatch();
    s.notify();
    expect(seen).toHaveLength(1);
  });

  it('returns -EAGAIN instead of parking when non-blocking, with MSG_DONTWAIT, or at SO_RCVTIMEO', async () => {
    const { env, sched } = simEnv();
    const nb = new Probe(env, SOCK_NONBLOCK);
    expect(nb.nonBlocking).toBe(true);
    expect(await nb.wait()).toBe(-Errno.EAGAIN);
    const b = new Probe(env);
    expect(await b.wait(MSG_DONTWAIT)).toBe(-Errno.EAGAIN);
    expect(b.setsockopt(SOL_SOCKET, SO_RCVTIMEO, 5)).toBe(0);
    const r = await sched.runMain(async () => {
      const t0 = sched.now();
      const v = await b.wait();
      expect(sched.now() - t0).toBeGreaterThanOrEqual(5e6);
      return v;
    });
    expect(r).toBe(-Errno.EAGAIN);
  });

  it('handles SOL_SOCKET and IP options, clamps buffers, rejects unknown ones, reads SO_ERROR once', () => {
    const { env } = simEnv();
    const s = new Probe(env);
    expect(s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)).toBe(0);
    expect(s.getsockopt(SOL_SOCKET, SO_REUSEADDR)).toBe(1);
    expect(s.setsockopt(SOL_SOCKET, SO_RCVBUF, 1)).toBe(0);
    expect(s.getsockopt(SOL_SOCKET, SO_RCVBUF)).toBe(2048);
    expect(s.setsockopt(IPPROTO_IP, IP_TTL, 0)).toBe(-Errno.EINVAL);
    expect(s.setsockopt(IPPROTO_IP, IP_TTL, 7)).toBe(0);
    expect(s.opts.ttl).toBe(7);
    expect(s.setsockopt(6, TCP_NODELAY, 1)).toBe(-Errno.ENOPROTOOPT);
    expect(s.setsockopt(SOL_SOCKET, SO_RCVTIMEO, 1.5)).toBe(-Errno.EINVAL);
    s.fail(Errno.ECONNREFUSED);
    expect(s.getsockopt(SOL_SOCKET, SO_ERROR)).toBe(Errno.ECONNREFUSED);
    expect(s.getsockopt(SOL_SOCKET, SO_ERROR)).toBe(0);
  });
});
