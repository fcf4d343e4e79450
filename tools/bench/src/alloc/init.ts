// Initialisation time versus heap size (Unikraft reports 2.4 ms for a 1 GiB buddy heap).
import { createRkAlloc } from '@runikraft/rkalloc/impl';
import { MemPool } from '@thi.ng/malloc';
import { benchPhys, OURS, ourBackend } from './subjects';

export const INIT_SIZES = [1 << 20, 16 << 20, 64 << 20, 256 << 20, 1 << 30];

/** Median microseconds to create each allocator over heaps of each size. */
export function initTimes(reps = 9): { size: number; us: Record<string, number> }[] {
  const rows: { size: number; us: Record<string, number> }[] = [];
  for (const size of INIT_SIZES) {
    const phys = benchPhys(size);
    const buf = size <= 256 << 20 ? new ArrayBuffer(size) : null;
    const makers: [string, () => unknown][] = OURS.map((name) => [
      name,
      () => createRkAlloc(ourBackend(name, phys), phys),
    ]);
    if (buf) makers.push(['@thi.ng/malloc', () => new MemPool({ buf, align: 16 })]);
    const samples = new Map<string, number[]>(makers.map(([n]) => [n, []]));
    // Interleaved, after 3 unrecorded rounds: GC work triggered by the fresh heap buffers lands in no
    // single allocator's samples.
    for (let r = -3; r < reps; r++)
      for (const [name, f] of makers) {
        const t0 = performance.now();
        f();
        const us = (performance.now() - t0) * 1000;
        if (r >= 0) samples.get(name)!.push(us);
      }
    const us: Record<string, number> = {};
    for (const [name, t] of samples) us[name] = t.sort((a, b) => a - b)[t.length >> 1];
    rows.push({ size, us });
  }
  return rows;
}
