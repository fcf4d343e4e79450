// What every rknet socket shares: readiness watchers, parking on the socket's rksched wait queue
// with SO_RCVTIMEO/SO_SNDTIMEO and non-blocking mode, and the SOL_SOCKET/IPPROTO_IP options.
// Transports extend it (UDP, ICMP here; TCP in socket/tcp) and call `notify()` whenever their
// state changed in a way a caller could be waiting for.
import { Errno } from '@runikraft/errno';
import type { RkWaitQueue } from '@runikraft/rksched';
import type { RkNetEnv, RkPollWatcher } from './api';
import {
  IP_TOS,
  IP_TTL,
  IPPROTO_IP,
  MSG_DONTWAIT,
  SO_BROADCAST,
  SO_ERROR,
  SO_KEEPALIVE,
  SO_LINGER,
  SO_RCVBUF,
  SO_RCVTIMEO,
  SO_REUSEADDR,
  SO_SNDBUF,
  SO_SNDTIMEO,
  SO_TYPE,
  SOCK_NONBLOCK,
  SOL_SOCKET,
} from './consts';

/** Smallest and largest SO_RCVBUF/SO_SNDBUF accepted (bytes); values outside are clamped, as Linux. */
export const RK_SOCK_BUF_MIN = 2048;
export const RK_SOCK_BUF_MAX = 4 * 1024 * 1024;

/** Socket options every socket has; transports read them (e.g. `ttl` when sending). */
export interface RkSockOpts {
  reuseAddr: boolean;
  keepAlive: boolean;
  broadcast: boolean;
  rcvBuf: number;
  sndBuf: number;
  /** Seconds, -1 = off. */
  linger: number;
  rcvTimeoMs: number;
  sndTimeoMs: number;
  ttl: number;
  tos: number;
}

export abstract class RkSocketBase {
  protected readonly wq: RkWaitQueue;
  private watchers: RkPollWatcher[] = [];
  private nb: boolean;
  /** Positive errno of an asynchronous error (SO_ERROR), 0 if none. */
  protected pendingError = 0;
  readonly opts: RkSockOpts;

  constructor(
    protected readonly env: RkNetEnv,
    readonly type: number,
    readonly protocol: number,
    flags: number,
    bufDefault: number,
  ) {
    this.wq = env.waitQueue();
    this.nb = (flags & SOCK_NONBLOCK) !== 0;
    this.opts = {
      reuseAddr: false,
      keepAlive: false,
      broadcast: false,
      rcvBuf: bufDefault,
      sndBuf: bufDefault,
      linger: -1,
      rcvTimeoMs: 0,
      sndTimeoMs: 0,
      ttl: 64,
      tos: 0,
    };
  }

  get nonBlocking(): boolean {
    return this.nb;
  }

  setNonBlocking(on: boolean): void {
    this.nb = on;
  }

  /** The RK_POLL* events ready now. */
  abstract pollEvents(): number;

  watch(w: RkPollWatcher): () => void {
    this.watchers.push(w);
    return () => {
      this.watchers = this.watchers.filter((x) => x !== w);
    };
  }

  /** Readiness may have changed: wakes parked callers (they re-check) and tells the watchers. */
  notify(): void {
    this.wq.wakeAll();
    if (this.watchers.length === 0) return;
    const ev = this.pollEvents();
    for (const w of this.watchers) w(ev);
  }

  /** Sets the asynchronous error a later call or SO_ERROR reports, and notifies. */
  protected setError(errno: number): void {
    this.pendingError = Math.abs(errno);
    this.notify();
  }

  /** Takes the pending error as -errno (0 if none), clearing it. */
  protected takeError(): number {
    const e = this.pendingError;
    this.pendingError = 0;
    return e === 0 ? 0 : -e;
  }

  /**
   * Parks until `ready()` holds. @returns 0 when it does, -EAGAIN (non-blocking, MSG_DONTWAIT or
   * the timeout passed), -EINTR. Parks the caller (a thread) unless non-blocking.
   */
  protected async park(ready: () => boolean, flags: number, timeoutMs: number): Promise<number> {
    if (ready()) return 0;
    if (this.nb || (flags & MSG_DONTWAIT) !== 0) return -Errno.EAGAIN;
    const r = await this.wq.waitEvent(ready, timeoutMs > 0 ? timeoutMs * 1e6 : undefined);
    return r === -Errno.ETIMEDOUT ? -Errno.EAGAIN : r;
  }

  /** SOL_SOCKET and IPPROTO_IP options; transports handle their own level and defer here. */
  getsockopt(level: number, name: number): number {
    const o = this.opts;
    if (level === SOL_SOCKET) {
      switch (name) {
        case SO_REUSEADDR:
          return o.reuseAddr ? 1 : 0;
        case SO_KEEPALIVE:
          return o.keepAlive ? 1 : 0;
        case SO_BROADCAST:
          return o.broadcast ? 1 : 0;
        case SO_RCVBUF:
          return o.rcvBuf;
        case SO_SNDBUF:
          return o.sndBuf;
        case SO_LINGER:
          return o.linger;
        case SO_RCVTIMEO:
          return o.rcvTimeoMs;
        case SO_SNDTIMEO:
          return o.sndTimeoMs;
        case SO_TYPE:
          return this.type;
        case SO_ERROR: {
          const e = this.pendingError;
          this.pendingError = 0;
          return e;
        }
      }
    } else if (level === IPPROTO_IP) {
      if (name === IP_TTL) return o.ttl;
      if (name === IP_TOS) return o.tos;
    }
    return -Errno.ENOPROTOOPT;
  }

  setsockopt(level: number, name: number, value: number): number {
    if (!Number.isInteger(value)) return -Errno.EINVAL;
    const o = this.opts;
    const clampBuf = (v: number) => Math.min(RK_SOCK_BUF_MAX, Math.max(RK_SOCK_BUF_MIN, v));
    if (level === SOL_SOCKET) {
      switch (name) {
        case SO_REUSEADDR:
          o.reuseAddr = value !== 0;
          return 0;
        case SO_KEEPALIVE:
          o.keepAlive = value !== 0;
          return 0;
        case SO_BROADCAST:
          o.broadcast = value !== 0;
          return 0;
        case SO_RCVBUF:
          o.rcvBuf = clampBuf(value);
          return 0;
        case SO_SNDBUF:
          o.sndBuf = clampBuf(value);
          return 0;
        case SO_LINGER:
          if (value < -1) return -Errno.EINVAL;
          o.linger = value;
          return 0;
        case SO_RCVTIMEO:
        case SO_SNDTIMEO:
          if (value < 0) return -Errno.EINVAL;
          if (name === SO_RCVTIMEO) o.rcvTimeoMs = value;
          else o.sndTimeoMs = value;
          return 0;
        case SO_TYPE:
        case SO_ERROR:
          return -Errno.ENOPROTOOPT;
      }
    } else if (level === IPPROTO_IP) {
      if (name === IP_TTL) {
        if (value < 1 || value > 255) return -Errno.EINVAL;
        o.ttl = value;
        return 0;
      }
      if (name === IP_TOS) {
        if (value < 0 || value > 255) return -Errno.EINVAL;
        o.tos = value;
        return 0;
      }
    }
    return -Errno.ENOPROTOOPT;
  }
}
