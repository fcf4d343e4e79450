// The user-facing thread handle: a frozen object whose getters read the control block through an
// ES private field, so users can neither see nor change run-queue links, policy data or job state.
import { Errno, RkError } from '@runikraft/errno';
import type { RkRtState, RkThread, RkThreadState } from './api';
import type { ThreadImpl } from './thread';

let unwrap: (v: ThreadView) => ThreadImpl;
let isView: (v: unknown) => v is ThreadView;

/** Read-only view of a thread (see RkThread). One per thread, created with its control block. */
export class ThreadView implements RkThread {
  readonly #t: ThreadImpl;
  #rt: RtView | null = null;

  static {
    unwrap = (v) => v.#t;
    isView = (v): v is ThreadView => typeof v === 'object' && v !== null && #t in v;
  }

  constructor(t: ThreadImpl) {
    this.#t = t;
    Object.freeze(this);
  }
  get id(): number {
    return this.#t.id;
  }
  get name(): string {
    return this.#t.name;
  }
  get state(): RkThreadState {
    return this.#t.state;
  }
  get prio(): number {
    return this.#t.prio;
  }
  get detached(): boolean {
    return this.#t.detached;
  }
  get exitValue(): number | undefined {
    return this.#t.exitValue;
  }
  get cpuNs(): number {
    return this.#t.cpuNs;
  }
  get dispatches(): number {
    return this.#t.dispatches;
  }
  get rt(): RkRtState | null {
    if (!this.#t.rt) return null;
    this.#rt ??= new RtView(this.#t);
    return this.#rt;
  }
  toString(): string {
    return `RkThread #${this.#t.id} "${this.#t.name}" (${this.#t.state})`;
  }
}

/**
 * The control block behind a user's handle.
 * @throws RkError EINVAL when `t` is not a thread handle made by rksched.
 */
export function threadOf(t: RkThread): ThreadImpl {
  if (!isView(t)) throw new RkError(Errno.EINVAL, `rksched: ${String(t)} is not an rksched thread`);
  return unwrap(t);
}

/** Read-only view of a thread's real-time job state (see RkRtState). */
class RtView implements RkRtState {
  readonly #t: ThreadImpl;
  constructor(t: ThreadImpl) {
    this.#t = t;
    Object.freeze(this);
  }
  get period(): number {
    return this.#t.rt!.period;
  }
  get relDeadline(): number {
    return this.#t.rt!.relDeadline;
  }
  get budget(): number {
    return this.#t.rt!.budget;
  }
  get sporadic(): boolean {
    return this.#t.rt!.sporadic;
  }
  get release(): number {
    return this.#t.rt!.release;
  }
  get absDeadline(): number {
    return this.#t.rt!.absDeadline;
  }
  get jobCpuNs(): number {
    return this.#t.rt!.jobCpuNs;
  }
  get jobs(): number {
    return this.#t.rt!.jobs;
  }
  get misses(): number {
    return this.#t.rt!.misses;
  }
  get missed(): boolean {
    return this.#t.rt!.missed;
  }
  get aborted(): boolean {
    return this.#t.rt!.aborted;
  }
  get throttled(): boolean {
    return this.#t.rt!.throttled;
  }
}
