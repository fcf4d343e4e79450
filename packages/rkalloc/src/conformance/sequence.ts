// The kit's property: random sequences of malloc/calloc/realloc/memalign/free/release/palloc/pfree
// keep blocks disjoint, inside the regions, aligned and intact, and statistics consistent.
import fc from 'fast-check';
import { RK_PAGE_SIZE } from '../api';
import type { RkHardeningOptions } from '../hardening/options';
import { makeWithRegions, type RkAllocFactory } from './env';
import { fail, HeapModel } from './model';

type Op =
  | { op: 'malloc'; size: number }
  | { op: 'calloc'; n: number; size: number }
  | { op: 'realloc'; pick: number; size: number }
  | { op: 'memalign'; alignLog: number; size: number }
  | { op: 'free'; pick: number }
  | { op: 'release'; pick: number }
  | { op: 'palloc'; n: number };

const size = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 256 }) },
  { weight: 3, arbitrary: fc.integer({ min: 257, max: 8192 }) },
  { weight: 1, arbitrary: fc.integer({ min: 8193, max: 65536 }) },
);
const pick = fc.nat();
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('malloc' as const), size }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('calloc' as const),
      n: fc.integer({ min: 1, max: 16 }),
      size: fc.integer({ min: 1, max: 512 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('realloc' as const), pick, size }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('memalign' as const),
      alignLog: fc.integer({ min: 3, max: 14 }),
      size,
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('free' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('release' as const), pick }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('palloc' as const), n: fc.integer({ min: 1, max: 9 }) }),
  },
);

function step(m: HeapModel, o: Op): void {
  const a = m.a;
  switch (o.op) {
    case 'malloc': {
      const p = a.malloc(o.size);
      if (p !== 0) m.add(p, o.size, 16);
      return;
    }
    case 'calloc': {
      const p = a.calloc(o.n, o.size);
      if (p !== 0) m.add(p, o.n * o.size, 16, 0, true);
      return;
    }
    case 'memalign': {
      const align = 2 ** o.alignLog;
      const p = a.memalign(align, o.size);
      if (p !== 0) m.add(p, o.size, align);
      return;
    }
    case 'palloc': {
      const p = a.palloc(o.n);
      if (p !== 0) m.add(p, o.n * RK_PAGE_SIZE, RK_PAGE_SIZE, o.n);
      return;
    }
    default:
  }
  if (m.live.length === 0) return;
  const i = o.pick % m.live.length;
  const b = m.live[i];
  m.verify(b);
  if (o.op === 'realloc') {
    if (b.npages > 0) return;
    const p = a.realloc(b.ptr, o.size);
    if (p === 0 && o.size !== 0) return; // out of memory: the old block must stay valid
    m.remove(i);
    if (p === 0) return;
    const keep = Math.min(b.size, o.size);
    const moved = { ...b, ptr: p };
    m.verify({ ...moved, size: keep }, keep, b.tag);
    m.add(p, o.size, 16);
    return;
  }
  m.remove(i);
  if (b.npages > 0) a.pfree(b.ptr, b.npages);
  else if (o.op === 'release') a.release(b.ptr, b.size);
  else a.free(b.ptr);
}

/** Runs the property for one factory; throws the shrunk counterexample on failure. */
export function checkSequences(
  make: RkAllocFactory,
  harden: RkHardeningOptions | false,
  numRuns: number,
  freeReclaims: boolean,
): void {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
      const { a, env } = makeWithRegions(make, harden);
      const start = a.availmem();
      const m = new HeapModel(a, env);
      for (const o of ops) step(m, o);
      m.checkStats();
      a.check();
      m.freeAll();
      m.checkStats();
      if (freeReclaims && !harden && a.availmem() !== start)
        fail(`availmem is ${a.availmem()} after freeing everything, ${start} at the start (leak)`);
    }),
    { numRuns },
  );
}
