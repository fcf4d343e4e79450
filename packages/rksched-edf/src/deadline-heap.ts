// Ready queue of real-time threads ordered by absolute deadline (ties: earlier release, then id):
// an indexed binary min-heap so removal (dequeue, priority change) is O(log n).
import type { RkPolicyThread } from '@runikraft/rksched/impl';

export interface HeapSlot {
  heapIdx: number;
}

const slot = (t: RkPolicyThread) => t.policyData as HeapSlot;

function before(a: RkPolicyThread, b: RkPolicyThread): boolean {
  const x = a.rt!;
  const y = b.rt!;
  if (x.absDeadline !== y.absDeadline) return x.absDeadline < y.absDeadline;
  if (x.release !== y.release) return x.release < y.release;
  return a.id < b.id;
}

export class DeadlineHeap {
  private h: RkPolicyThread[] = [];

  get length(): number {
    return this.h.length;
  }

  peek(): RkPolicyThread | null {
    return this.h[0] ?? null;
  }

  push(t: RkPolicyThread): void {
    slot(t).heapIdx = this.h.length;
    this.h.push(t);
    this.up(this.h.length - 1);
  }

  pop(): RkPolicyThread | null {
    const t = this.h[0];
    if (!t) return null;
    this.remove(t);
    return t;
  }

  remove(t: RkPolicyThread): boolean {
    const i = slot(t).heapIdx;
    if (i < 0 || this.h[i] !== t) return false;
    const last = this.h.pop()!;
    slot(t).heapIdx = -1;
    if (last !== t) {
      this.h[i] = last;
      slot(last).heapIdx = i;
      this.down(i);
      this.up(slot(last).heapIdx);
    }
    return true;
  }

  private swap(i: number, j: number): void {
    const a = this.h[i]!;
    const b = this.h[j]!;
    this.h[i] = b;
    this.h[j] = a;
    slot(a).heapIdx = j;
    slot(b).heapIdx = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(this.h[i]!, this.h[p]!)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.h.length && before(this.h[l]!, this.h[m]!)) m = l;
      if (r < this.h.length && before(this.h[r]!, this.h[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
