// Signal delivery to threads (counterpart of Unikraft's uksignal / posix-process signals):
// actions, per-thread masks and pending sets, kill/raise, delivery when the target next runs or
// wakes from an interruptible wait (which then returns -EINTR).
import { Errno } from '@runikraft/errno';
import type { RkSched, RkThread, RkWaitQueue } from '@runikraft/rksched';
import { defaultAction, isUncatchable, NSIG, sigbit, validSignal } from './signals';

/** A handler runs synchronously in the target thread's context (it must not await). */
export type RkSigHandler = (sig: number, info: { readonly sender: RkThread | null }) => void;
export type RkSigAction = RkSigHandler | 'default' | 'ignore';
export type RkSigMaskHow = 'block' | 'unblock' | 'setmask';

interface SigThread {
  mask: number;
  pending: number;
  sender: (RkThread | null)[];
  wq: RkWaitQueue;
  delivered: number;
}

export class RkSignals {
  private readonly actions: RkSigAction[] = new Array(NSIG).fill('default');
  /** Signals delivered per number (statistics). */
  readonly deliveredCount = new Array<number>(NSIG).fill(0);
  /** Per-thread signal state, created on first use; keyed by the thread handle so it dies with it. */
  private readonly perThread = new WeakMap<RkThread, SigThread>();

  constructor(private readonly sched: RkSched) {
    sched.setDispatchHook((t) => this.deliver(t));
  }

  private st(t: RkThread): SigThread {
    let s = this.perThread.get(t);
    if (!s) {
      s = { mask: 0, pending: 0, sender: [], wq: this.sched.waitQueue(), delivered: 0 };
      this.perThread.set(t, s);
    }
    return s;
  }

  /** Sets the action for `sig`; @returns the previous action, or -EINVAL. */
  sigaction(sig: number, action: RkSigAction): RkSigAction | number {
    if (!validSignal(sig) || isUncatchable(sig)) return -Errno.EINVAL;
    const old = this.actions[sig]!;
    this.actions[sig] = action;
    return old;
  }

  /** Sends `sig` to thread `t`. @returns 0, -EINVAL (bad signal) or -ESRCH (thread exited). May run in IRQ context. */
  kill(t: RkThread, sig: number): number {
    if (!validSignal(sig)) return -Errno.EINVAL;
    if (t.state === 'exited') return -Errno.ESRCH;
    const act = this.actions[sig]!;
    if (act === 'ignore' || (act === 'default' && defaultAction(sig) === 'ign')) return 0; // discarded at generation
    const s = this.st(t);
    s.pending |= sigbit(sig);
    s.sender[sig] = this.sched.currentOrNull();
    s.wq.wakeAll();
    if (isUncatchable(sig) || !(s.mask & sigbit(sig))) this.notify(t);
    return 0;
  }

  /** Sends `sig` to the calling thread; delivered at its next kernel entry. */
  raise(sig: number): number {
    return this.kill(this.sched.current(), sig);
  }

  /** Changes the calling thread's mask. @returns the old mask (bit n = signal n), or -EINVAL. */
  sigprocmask(how: RkSigMaskHow, set: number): number {
    const t = this.sched.current();
    const s = this.st(t);
    const old = s.mask;
    const clean = set & ~(sigbit(9) | sigbit(19) | 1);
    if (how === 'block') s.mask |= clean;
    else if (how === 'unblock') s.mask &= ~clean;
    else if (how === 'setmask') s.mask = clean;
    else return -Errno.EINVAL;
    if (s.pending & ~s.mask) this.sched.requestAttention(t);
    return old;
  }

  /** Pending signals of `t` (bit set). */
  pending(t: RkThread): number {
    return this.perThread.get(t)?.pending ?? 0;
  }

  /**
   * Waits until a signal in `set` is pending for the caller, and takes it without running its action.
   * @returns the signal number, -ETIMEDOUT, or -EINTR. Parks the caller.
   */
  async sigwait(set: number, timeoutNs?: number): Promise<number> {
    const s = this.st(this.sched.current());
    const r = await s.wq.waitEvent(() => (s.pending & set) !== 0, timeoutNs);
    if (r < 0 && !(s.pending & set)) return r;
    const sig = 31 - Math.clz32(s.pending & set & -(s.pending & set));
    s.pending &= ~sigbit(sig);
    return sig;
  }

  /** Sleeps until a signal is delivered. @returns -EINTR. */
  pause(): Promise<number> {
    return this.sched.sleepUntil(Number.POSITIVE_INFINITY);
  }

  private notify(t: RkThread): void {
    this.sched.requestAttention(t);
    if (t.state === 'blocked') this.sched.interrupt(t);
  }

  /** The dispatch hook: runs the actions of pending unmasked signals in `t`'s context. */
  private deliver(t: RkThread): void {
    const s = this.perThread.get(t);
    if (!s) return;
    for (;;) {
      const ready = s.pending & (~s.mask | sigbit(9));
      if (!ready) return;
      const sig = 31 - Math.clz32(ready & -ready);
      s.pending &= ~sigbit(sig);
      s.delivered++;
      this.deliveredCount[sig]!++;
      const act = this.actions[sig]!;
      if (typeof act === 'function') act(sig, { sender: s.sender[sig] ?? null });
      else if (act === 'default' && defaultAction(sig) !== 'ign') {
        this.sched.kill(t, 128 + sig); // terminate: exit status 128 + n, as a shell reports it
        return;
      }
    }
  }
}
