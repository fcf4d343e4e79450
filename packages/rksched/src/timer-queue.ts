// Timer queue: an indexed binary min-heap of one-shot timers multiplexed on the platform's single
// one-shot timer (ukplat time: one deadline at a time). DESIGN.md §4 "Clock".

/** A one-shot timer; reusable (re-add after it fired or was cancelled). */
export class RkTimer {
  /** Absolute monotonic deadline in ns. */
  deadline = 0;
  /** Position in the heap, -1 when not armed. */
  index = -1;
  /** Tie-breaker: equal deadlines fire in arming order. */
  seq = 0;
  constructor(public fn: (now: number) => void) {}
  get armed(): boolean {
    return this.index >= 0;
  }
}

/** Min-heap of timers by (deadline, seq). */
export class RkTimerQueue {
  private heap: RkTimer[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Earliest armed deadline, or Infinity. */
  earliest(): number {
    return this.heap.length ? this.heap[0]!.deadline : Number.POSITIVE_INFINITY;
  }

  /** Arms (or re-arms) `t` at `deadline`. */
  add(t: RkTimer, deadline: number): void {
    if (t.index >= 0) this.remove(t);
    t.deadline = deadline;
    t.seq = this.nextSeq++;
    t.index = this.heap.length;
    this.heap.push(t);
    this.up(t.index);
  }

  /** Disarms `t`; returns false if it was not armed. */
  remove(t: RkTimer): boolean {
    const i = t.index;
    if (i < 0) return false;
    const last = this.heap.pop()!;
    t.index = -1;
    if (last !== t) {
      this.heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    return true;
  }

  /** Fires every timer whose deadline is <= now, in deadline order; returns how many fired. */
  expire(now: number): number {
    let n = 0;
    while (this.heap.length && this.heap[0]!.deadline <= now) {
      const t = this.heap[0]!;
      this.remove(t);
      n++;
      t.fn(now);
    }
    return n;
  }

  private less(a: RkTimer, b: RkTimer): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const a = h[i]!;
    const b = h[j]!;
    h[i] = b;
    h[j] = a;
    a.index = j;
    b.index = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.heap[i]!, this.heap[p]!)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.heap[l]!, this.heap[m]!)) m = l;
      if (r < n && this.less(this.heap[r]!, this.heap[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
