// Replays a trace on a JS allocator: timing runs (median ops/s) and a fragmentation snapshot.
import type { Subject } from './subjects';
import { type AllocTrace, OP_CALLOC, OP_FREE, OP_MALLOC, OP_MEMALIGN, OP_REALLOC } from './trace';

/** Runs ops [0, upto) on `s`; returns the number of failed allocations. */
export function replay(t: AllocTrace, s: Subject, slots: Float64Array, upto = t.ops): number {
  const { code, slot, size, align } = t;
  let failed = 0;
  for (let i = 0; i < upto; i++) {
    const k = slot[i];
    switch (code[i]) {
      case OP_MALLOC:
        if ((slots[k] = s.malloc(size[i])) === 0) failed++;
        break;
      case OP_CALLOC:
        if ((slots[k] = s.calloc(size[i])) === 0) failed++;
        break;
      case OP_REALLOC: {
        const r = slots[k] === 0 ? s.malloc(size[i]) : s.realloc(slots[k], size[i]);
        if (r === 0) failed++;
        else slots[k] = r;
        break;
      }
      case OP_FREE:
        if (slots[k] !== 0) s.free(slots[k]);
        slots[k] = 0;
        break;
      case OP_MEMALIGN:
        if ((slots[k] = s.memalign(align[i], size[i])) === 0) failed++;
        break;
    }
  }
  return failed;
}

export function freeAll(s: Subject, slots: Float64Array): void {
  for (let k = 0; k < slots.length; k++) {
    if (slots[k] !== 0) s.free(slots[k]);
    slots[k] = 0;
  }
}

/** Index just after the op where the live requested bytes peak, and that peak. */
export function peakOf(t: AllocTrace): { index: number; bytes: number } {
  const live = new Float64Array(t.slots);
  let cur = 0;
  let best = { index: 0, bytes: 0 };
  for (let i = 0; i < t.ops; i++) {
    const k = t.slot[i];
    cur -= live[k];
    live[k] = t.code[i] === OP_FREE ? 0 : t.size[i];
    cur += live[k];
    if (cur > best.bytes) best = { index: i + 1, bytes: cur };
  }
  return best;
}

/** Live requested bytes after the whole trace. */
export function liveAtEnd(t: AllocTrace): number {
  const live = new Float64Array(t.slots);
  for (let i = 0; i < t.ops; i++) live[t.slot[i]] = t.code[i] === OP_FREE ? 0 : t.size[i];
  return live.reduce((a, b) => a + b, 0);
}

export interface ReplayResult {
  name: string;
  opsPerSec: number;
  failed: number;
  peak: { consumed: number; maxalloc: number };
  end: { consumed: number; maxalloc: number };
}

/** Times `runs` full replays (fresh allocator each) after one warm-up; measures fragmentation once. */
export function bench(t: AllocTrace, make: () => Subject, runs: number): ReplayResult {
  const slots = new Float64Array(t.slots);
  const times: number[] = [];
  let failed = 0;
  let name = '';
  for (let r = -1; r < runs; r++) {
    const s = make();
    name = s.name;
    const t0 = performance.now();
    failed = replay(t, s, slots);
    freeAll(s, slots);
    if (r >= 0) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const peakAt = peakOf(t).index;
  const s = make();
  replay(t, s, slots, peakAt);
  const peak = s.measure();
  replay(
    {
      ...t,
      code: t.code.subarray(peakAt),
      slot: t.slot.subarray(peakAt),
      size: t.size.subarray(peakAt),
      align: t.align.subarray(peakAt),
      ops: t.ops - peakAt,
    },
    s,
    slots,
  );
  const end = s.measure();
  freeAll(s, slots);
  return { name, opsPerSec: t.ops / (times[times.length >> 1] / 1000), failed, peak, end };
}
