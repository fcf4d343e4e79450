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
    const us: Record<string, number> = {};
    const time = (name: string, f: () => unknown) => {
      const t: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        f();
        t.push((performance.now() - t0) * 1000);
      }
      t.sort((a, b) => a - b);
      us[name] = t[t.length >> 1];
    };
    for (const name of OURS) time(name, () => createRkAlloc(ourBackend(name, phys), phys));
    if (size <= 256 << 20) {
      const buf = new ArrayBuffer(size);
      time('@thi.ng/malloc', () => new MemPool({ buf, align: 16 }));
    }
    rows.push({ size, us });
  }
  return rows;
}
