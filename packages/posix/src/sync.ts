// pthread mutexes (normal, recursive, error-checking; timed), condition variables (timed wait on
// CLOCK_REALTIME or CLOCK_MONOTONIC) and rwlocks over rklock. Absolute timeouts are read against
// rktime's clocks and become relative waits on rksched's clock (a virtual clock in tests).
import { Errno } from '@runikraft/errno';
import { RkCondVar, RkMutex, RkRwLock } from '@runikraft/rklock';
import type { RkSched, RkWaitQueue } from '@runikraft/rksched';
import {
  CLOCK_MONOTONIC,
  CLOCK_REALTIME,
  PTHREAD_MUTEX_ERRORCHECK,
  PTHREAD_MUTEX_NORMAL,
  PTHREAD_MUTEX_RECURSIVE,
} from './constants';

/** A struct timespec. */
export interface RkTimespec {
  readonly sec: number;
  readonly nsec: number;
}

/** Reads clock `id` in ns (CLOCK_REALTIME, CLOCK_MONOTONIC). */
export type RkClockNs = (id: number) => number;

/** ns from now until `abs` on clock `id`: <= 0 when past, -EINVAL (bad timespec) as NaN. */
export function untilNs(clock: RkClockNs, id: number, abs: RkTimespec): number {
  if (!Number.isInteger(abs.sec) || !(abs.nsec >= 0 && abs.nsec < 1e9) || abs.sec < 0)
    return Number.NaN;
  return abs.sec * 1e9 + abs.nsec - clock(id);
}

export class RkPthreadMutex {
  readonly inner: RkMutex;
  /** A normal mutex relocked by its owner deadlocks (POSIX): the owner parks here. */
  private readonly stuck: RkWaitQueue;

  constructor(
    private readonly sched: RkSched,
    private readonly clock: RkClockNs,
    /** PTHREAD_MUTEX_NORMAL (= DEFAULT), _RECURSIVE or _ERRORCHECK. */
    readonly type: number,
  ) {
    this.inner = new RkMutex(sched, { recursive: type === PTHREAD_MUTEX_RECURSIVE });
    this.stuck = sched.waitQueue();
  }

  private ownedByMe(): boolean {
    return this.inner.owner !== null && this.inner.owner === this.sched.currentOrNull();
  }

  /**
   * pthread_mutex_lock. @returns 0, -EDEADLK (error-checking, relocked by its owner). A normal
   * mutex relocked by its owner never returns (deadlock, as POSIX specifies). Parks the caller.
   */
  async lock(): Promise<number> {
    if (this.type === PTHREAD_MUTEX_NORMAL && this.ownedByMe()) for (;;) await this.stuck.wait();
    return this.inner.lock();
  }

  /** pthread_mutex_trylock. @returns 0, -EBUSY (held, also by the caller unless recursive). */
  trylock(): number {
    const r = this.inner.tryLock();
    return r === -Errno.EDEADLK ? -Errno.EBUSY : r;
  }

  /**
   * pthread_mutex_timedlock: as lock, giving up at `abs` on CLOCK_REALTIME.
   * @returns 0, -ETIMEDOUT, -EDEADLK (error-checking relock), -EINVAL (bad timespec, checked only
   * when the call would wait, as POSIX). Parks the caller.
   */
  async timedlock(abs: RkTimespec, clockId = CLOCK_REALTIME): Promise<number> {
    if (this.trylock() === 0) return 0;
    if (this.type === PTHREAD_MUTEX_ERRORCHECK && this.ownedByMe()) return -Errno.EDEADLK;
    const rel = untilNs(this.clock, clockId, abs);
    if (Number.isNaN(rel)) return -Errno.EINVAL;
    if (this.type === PTHREAD_MUTEX_NORMAL && this.ownedByMe()) {
      const end = this.sched.now() + Math.max(0, rel);
      while ((await this.stuck.waitUntil(end)) !== -Errno.ETIMEDOUT);
      return -Errno.ETIMEDOUT;
    }
    return rel <= 0 ? -Errno.ETIMEDOUT : this.inner.timedLock(rel);
  }

  /**
   * pthread_mutex_unlock. @returns 0, -EPERM (the caller does not hold it; for a normal mutex
   * POSIX leaves this undefined and this layer reports it too).
   */
  unlock(): number {
    return this.inner.unlock();
  }

  /** pthread_mutex_destroy. @returns 0, -EBUSY (locked). */
  destroy(): number {
    return this.inner.locked ? -Errno.EBUSY : 0;
  }
}

export class RkPthreadCond {
  private readonly cv: RkCondVar;

  constructor(
    private readonly sched: RkSched,
    private readonly clock: RkClockNs,
    /** The clock timedwait's deadline is on (pthread_condattr_setclock). */
    readonly clockId: number = CLOCK_REALTIME,
  ) {
    this.cv = new RkCondVar(sched);
  }

  /**
   * pthread_cond_wait. @returns 0 (also for a spurious wake-up, which POSIX allows), -EPERM (the
   * caller does not hold `m`). Parks the caller.
   */
  async wait(m: RkPthreadMutex): Promise<number> {
    const r = await this.cv.wait(m.inner);
    return r === -Errno.EPERM ? r : 0;
  }

  /**
   * pthread_cond_timedwait: as wait, until `abs` on the condition's clock.
   * @returns 0, -ETIMEDOUT (with `m` held again), -EPERM, -EINVAL (bad timespec). Parks the caller.
   */
  async timedwait(m: RkPthreadMutex, abs: RkTimespec): Promise<number> {
    const rel = untilNs(this.clock, this.clockId, abs);
    if (Number.isNaN(rel)) return -Errno.EINVAL;
    if (m.inner.owner !== this.sched.currentOrNull()) return -Errno.EPERM;
    if (rel <= 0) return -Errno.ETIMEDOUT;
    const r = await this.cv.wait(m.inner, rel);
    return r === -Errno.EINTR ? 0 : r;
  }

  /** pthread_cond_signal: wakes one waiter. @returns 0. */
  signal(): number {
    this.cv.signal();
    return 0;
  }

  /** pthread_cond_broadcast: wakes every waiter. @returns 0. */
  broadcast(): number {
    this.cv.broadcast();
    return 0;
  }

  /** pthread_cond_destroy. @returns 0, -EBUSY (threads wait on it). */
  destroy(): number {
    return this.cv.waiters > 0 ? -Errno.EBUSY : 0;
  }
}

export class RkPthreadRwlock {
  readonly inner: RkRwLock;

  constructor(
    sched: RkSched,
    private readonly clock: RkClockNs,
  ) {
    this.inner = new RkRwLock(sched);
  }

  /** pthread_rwlock_rdlock. @returns 0, -EDEADLK (the caller holds it for writing). Parks the caller. */
  rdlock(): Promise<number> {
    return this.inner.readLock();
  }
  /** pthread_rwlock_wrlock. @returns 0, -EDEADLK (the caller holds it for writing). Parks the caller. */
  wrlock(): Promise<number> {
    return this.inner.writeLock();
  }
  /** pthread_rwlock_tryrdlock. @returns 0, -EBUSY. */
  tryrdlock(): number {
    return this.inner.tryReadLock();
  }
  /** pthread_rwlock_trywrlock. @returns 0, -EBUSY. */
  trywrlock(): number {
    return this.inner.tryWriteLock();
  }
  /** pthread_rwlock_timedrdlock (CLOCK_REALTIME). @returns 0, -ETIMEDOUT, -EDEADLK, -EINVAL. */
  timedrdlock(abs: RkTimespec): Promise<number> {
    return this.timed(
      abs,
      (ns) => this.inner.readLock(ns),
      () => this.inner.tryReadLock(),
    );
  }
  /** pthread_rwlock_timedwrlock (CLOCK_REALTIME). @returns 0, -ETIMEDOUT, -EDEADLK, -EINVAL. */
  timedwrlock(abs: RkTimespec): Promise<number> {
    return this.timed(
      abs,
      (ns) => this.inner.writeLock(ns),
      () => this.inner.tryWriteLock(),
    );
  }
  private async timed(
    abs: RkTimespec,
    lock: (ns: number) => Promise<number>,
    tryLock: () => number,
  ): Promise<number> {
    if (tryLock() === 0) return 0;
    const rel = untilNs(this.clock, CLOCK_REALTIME, abs);
    if (Number.isNaN(rel)) return -Errno.EINVAL;
    return lock(Math.max(0, rel));
  }
  /** pthread_rwlock_unlock. @returns 0, -EPERM (the caller holds it neither way). */
  unlock(): number {
    return this.inner.unlock();
  }
}

/** Whether `id` is a clock a condition variable or nanosleep may use. */
export const isSleepClock = (id: number): boolean =>
  id === CLOCK_REALTIME || id === CLOCK_MONOTONIC;
