// pthread threads, thread-specific data and once (Unikraft's pthread-embedded layer over uksched):
// each pthread is an rksched thread (created detached there; joining, detaching and exit values
// are kept here, because a pthread's value is any value, not rksched's exit number). Keys'
// destructors run at thread exit, up to PTHREAD_DESTRUCTOR_ITERATIONS rounds.
import { Errno, RkError } from '@runikraft/errno';
import type { RkSched, RkThread, RkWaitQueue } from '@runikraft/rksched';
import type { RkPthread } from './api';
import { PTHREAD_DESTRUCTOR_ITERATIONS, PTHREAD_KEYS_MAX } from './constants';

/** pthread_attr_t: what pthread_create takes. */
export interface RkPthreadAttr {
  readonly detached?: boolean;
  readonly name?: string;
  /** Priority where the scheduler has them (higher first). */
  readonly prio?: number;
}

/** A start routine: its value (or pthread_exit's) is what pthread_join reports. */
export type RkPthreadStart = (arg: unknown) => unknown;

/** pthread_once_t: PTHREAD_ONCE_INIT is `{ state: 0 }`. */
export interface RkPthreadOnce {
  state: number;
}

class Rec implements RkPthread {
  value: unknown;
  done = false;
  joining = false;
  readonly tls = new Map<number, unknown>();
  constructor(
    readonly id: number,
    public detached: boolean,
    /** Created by this layer (pthread_exit unwinds to its wrapper). */
    readonly ours: boolean,
  ) {}
}

/** Thrown by {@link RkPthreads.exit}; the start routine's wrapper catches it. Do not catch it. */
class RkPthreadExit {
  constructor(
    readonly rec: Rec,
    readonly value: unknown,
  ) {}
}

export class RkPthreads {
  private readonly recs = new Map<number, Rec>();
  private readonly keys = new Map<number, ((v: unknown) => unknown) | null>();
  private nextKey = 0;
  /** Joiners and once-waiters park here (one queue: exits and once completions are rare). */
  private wqOf: RkWaitQueue | null = null;

  constructor(private readonly sched: RkSched) {}

  /** Made on first use: a process that never uses threads never touches the scheduler. */
  private get wq(): RkWaitQueue {
    this.wqOf ??= this.sched.waitQueue();
    return this.wqOf;
  }

  /**
   * pthread_create: runs `start(arg)` in a new thread. @returns the thread, or -EAGAIN (the
   * scheduler refused it), -EINVAL (bad attributes).
   */
  create(start: RkPthreadStart, arg?: unknown, attr: RkPthreadAttr = {}): RkPthread | number {
    let rec: Rec | null = null;
    const body = async (): Promise<number> => {
      const me = rec!;
      try {
        try {
          me.value = await start(arg);
        } catch (e) {
          if (!(e instanceof RkPthreadExit) || e.rec !== me) throw e;
          me.value = e.value;
        }
        await this.runDestructors(me);
      } finally {
        me.done = true;
        if (me.detached) this.recs.delete(me.id);
        this.wq.wakeAll();
      }
      return 0;
    };
    let t: RkThread;
    try {
      t = this.sched.create(body, [], {
        name: attr.name ?? 'pthread',
        prio: attr.prio ?? 0,
        detached: true,
      });
    } catch (e) {
      if (e instanceof RkError) return e.errno === Errno.EINVAL ? -Errno.EINVAL : -Errno.EAGAIN;
      throw e;
    }
    rec = new Rec(t.id, attr.detached ?? false, true);
    this.recs.set(t.id, rec);
    return rec;
  }

  /** The record of `t` if it is one of this layer's live (or unjoined) threads. */
  private rec(t: RkPthread): Rec | null {
    const r = this.recs.get(t.id);
    return r === t ? r : null;
  }

  /**
   * pthread_join: waits for `t` to end and reaps it, putting its value in `out.value`.
   * @returns 0, -ESRCH (no such thread, or already reaped), -EINVAL (detached, or another thread
   * is already joining it), -EDEADLK (itself). Parks the caller.
   */
  async join(t: RkPthread, out?: { value: unknown }): Promise<number> {
    const r = this.rec(t);
    if (!r) return -Errno.ESRCH;
    if (r.id === this.sched.current().id) return -Errno.EDEADLK;
    if (r.detached || r.joining) return -Errno.EINVAL;
    r.joining = true;
    // A join is not interruptible: POSIX says pthread_join never returns EINTR.
    while (!r.done) await this.wq.waitEvent(() => r.done);
    this.recs.delete(r.id);
    if (out) out.value = r.value;
    return 0;
  }

  /** pthread_detach. @returns 0, -ESRCH, -EINVAL (already detached). */
  detach(t: RkPthread): number {
    const r = this.rec(t);
    if (!r) return -Errno.ESRCH;
    if (r.detached) return -Errno.EINVAL;
    r.detached = true;
    if (r.done && !r.joining) this.recs.delete(r.id);
    return 0;
  }

  /** The calling thread (pthread_self); a thread this layer did not create gets a record too. */
  self(): RkPthread {
    const id = this.sched.current().id;
    let r = this.recs.get(id);
    if (!r) this.recs.set(id, (r = new Rec(id, true, false)));
    return r;
  }

  equal(a: RkPthread, b: RkPthread): boolean {
    return a.id === b.id;
  }

  /**
   * pthread_exit: ends the calling thread with `value` (its keys' destructors run first). Throws
   * the unwinding token its start wrapper catches. Throws RkError EPERM in a thread this layer
   * did not create (the boot thread: return from main instead).
   */
  exit(value?: unknown): never {
    const r = this.recs.get(this.sched.current().id);
    if (!r?.ours) throw new RkError(Errno.EPERM, 'pthread_exit outside a pthread');
    throw new RkPthreadExit(r, value);
  }

  /** pthread_key_create. @returns the key, or -EAGAIN (PTHREAD_KEYS_MAX keys exist). */
  keyCreate(destructor: ((v: unknown) => unknown) | null = null): number {
    if (this.keys.size >= PTHREAD_KEYS_MAX) return -Errno.EAGAIN;
    const k = this.nextKey++;
    this.keys.set(k, destructor);
    return k;
  }

  /** pthread_key_delete (destructors are not run, as POSIX says). @returns 0, -EINVAL. */
  keyDelete(key: number): number {
    if (!this.keys.delete(key)) return -Errno.EINVAL;
    for (const r of this.recs.values()) r.tls.delete(key);
    return 0;
  }

  /** pthread_getspecific: the calling thread's value (undefined when none or not a key). */
  getspecific(key: number): unknown {
    return this.keys.has(key) ? (this.self() as Rec).tls.get(key) : undefined;
  }

  /** pthread_setspecific. @returns 0, -EINVAL (not a key). */
  setspecific(key: number, value: unknown): number {
    if (!this.keys.has(key)) return -Errno.EINVAL;
    const tls = (this.self() as Rec).tls;
    if (value === undefined || value === null) tls.delete(key);
    else tls.set(key, value);
    return 0;
  }

  private async runDestructors(r: Rec): Promise<void> {
    for (let round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS && r.tls.size > 0; round++) {
      for (const [key, v] of [...r.tls]) {
        r.tls.delete(key);
        const d = this.keys.get(key);
        if (d) await d(v);
      }
    }
    r.tls.clear();
  }

  /**
   * pthread_once: runs `fn` once per `control`; callers arriving while it runs wait for it.
   * @returns 0. If `fn` throws, the control is reset (as a cancelled init routine) and it rethrows.
   */
  async once(control: RkPthreadOnce, fn: () => unknown): Promise<number> {
    for (;;) {
      if (control.state === 2) return 0;
      if (control.state === 0) break;
      await this.wq.waitEvent(() => control.state !== 1);
    }
    control.state = 1;
    try {
      await fn();
      control.state = 2;
    } catch (e) {
      control.state = 0;
      throw e;
    } finally {
      this.wq.wakeAll();
    }
    return 0;
  }
}
