// The kit's misuse checks without hardening: a double free, an interior free and a free of an address
// never returned must be reported as RkAllocViolation before anything changes, leaving the heap usable.
import type { RkAlloc } from '../api';
import { RkAllocViolation, type RkAllocViolationKind } from '../hardening/violation';
import type { RkAllocCheck } from './edge';
import { makeWithRegions, type RkAllocFactory } from './env';
import { fail, HeapModel } from './model';

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * Runs `misuse`, requires an RkAllocViolation of one of `kinds` naming `block`, and requires that
 * statistics and availmem did not change.
 */
function expectReported(
  a: RkAlloc,
  kinds: readonly RkAllocViolationKind[],
  block: number,
  what: string,
  misuse: () => void,
): void {
  const stats = JSON.stringify(a.stats());
  const avail = a.availmem();
  try {
    misuse();
  } catch (e) {
    if (!(e instanceof RkAllocViolation))
      fail(`${what}: expected RkAllocViolation(${kinds.join('|')}), got ${String(e)}`);
    if (!kinds.includes(e.violation))
      fail(`${what}: expected violation ${kinds.join(' or ')}, got ${e.violation}: ${e.message}`);
    if (e.block !== block) fail(`${what}: the violation names ${hex(e.block)}, not ${hex(block)}`);
    if (JSON.stringify(a.stats()) !== stats)
      fail(
        `${what}: the rejected call changed the statistics: ${stats} -> ${JSON.stringify(a.stats())}`,
      );
    if (a.availmem() !== avail)
      fail(`${what}: the rejected call changed availmem from ${avail} to ${a.availmem()}`);
    return;
  }
  fail(`${what} (block ${hex(block)}) went unreported`);
}

/** After a rejected misuse: fresh blocks are distinct and intact, and everything frees back. */
function expectIntact(m: HeapModel, start: number, freeReclaims: boolean, what: string): void {
  const x = m.a.malloc(100);
  const y = m.a.malloc(100);
  if (x === 0 || y === 0 || x === y)
    fail(`after ${what}: the next two malloc(100) returned ${hex(x)} and ${hex(y)}`);
  m.add(x, 100, 16);
  m.add(y, 100, 16);
  for (const size of [1, 16, 100, 600, 5000, 70000]) {
    const p = m.a.malloc(size);
    if (p === 0) fail(`after ${what}: malloc(${size}) returned 0`);
    m.add(p, size, 16);
  }
  for (const b of m.live) m.verify(b);
  m.checkStats();
  m.freeAll();
  m.checkStats();
  if (freeReclaims && m.a.availmem() !== start)
    fail(`after ${what}: availmem ${m.a.availmem()} != ${start} with everything freed`);
}

export function misuseChecks(make: RkAllocFactory, freeReclaims: boolean): RkAllocCheck[] {
  const fresh = () => {
    const { a, env } = makeWithRegions(make, false);
    return { m: new HeapModel(a, env), start: a.availmem() };
  };
  /** Allocates [before, block, after] of `size` bytes; returns the model index of `block`. */
  const between = (m: HeapModel, size: number) => {
    for (let i = 0; i < 3; i++) {
      const p = m.a.malloc(size);
      if (p === 0) fail(`malloc(${size}) returned 0 on an empty heap`);
      m.add(p, size, 16);
    }
    return m.live.length - 2;
  };
  return [
    {
      name: 'unhardened: a double free is reported and the heap stays intact',
      run() {
        for (const size of [100, 5000]) {
          const { m, start } = fresh();
          const blk = m.remove(between(m, size));
          m.a.free(blk.ptr);
          const what = `double free of a ${size}-byte block`;
          expectReported(m.a, ['double-free'], blk.ptr, what, () => m.a.free(blk.ptr));
          expectReported(m.a, ['double-free'], blk.ptr, `realloc after ${what}`, () =>
            m.a.realloc(blk.ptr, size * 2),
          );
          expectIntact(m, start, freeReclaims, what);
        }
      },
    },
    {
      name: 'unhardened: a free of an interior pointer is reported and the heap stays intact',
      run() {
        for (const [size, into] of [
          [100, 16],
          [100, 48],
          [5000, 4096],
          [5000, 32],
        ]) {
          const { m, start } = fresh();
          const blk = m.live[between(m, size)];
          const what = `free of ${into} bytes into a ${size}-byte block`;
          expectReported(m.a, ['invalid-free'], blk.ptr + into, what, () =>
            m.a.free(blk.ptr + into),
          );
          expectIntact(m, start, freeReclaims, what);
        }
      },
    },
    {
      name: 'unhardened: a free of an address never returned is reported and the heap stays intact',
      run() {
        const { m, start } = fresh();
        between(m, 100);
        const outside = m.env.base - 4096;
        expectReported(m.a, ['invalid-free'], outside, 'free outside the managed regions', () =>
          m.a.free(outside),
        );
        // Untouched free memory: without a history of frees an allocator may call it either.
        const unused = m.env.extra.base + m.env.extra.len - 4096;
        expectReported(
          m.a,
          ['invalid-free', 'double-free'],
          unused,
          'free of never-allocated free memory',
          () => m.a.free(unused),
        );
        expectIntact(m, start, freeReclaims, 'frees of addresses never returned');
      },
    },
  ];
}
