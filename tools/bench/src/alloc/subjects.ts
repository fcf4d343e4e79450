// The allocators under test behind one shape: ours (through the rkalloc front end, as kernel code calls
// them, optionally hardened) and @thi.ng/malloc's MemPool over an ArrayBuffer.
import type { RkAlloc, RkAllocBackend } from '@runikraft/rkalloc';
import { createRkAlloc } from '@runikraft/rkalloc/impl';
import { BuddyBackend } from '@runikraft/rkalloc-buddy';
import { RegionBackend } from '@runikraft/rkalloc-region';
import { TinyBackend } from '@runikraft/rkalloc-tiny';
import { TlsfBackend } from '@runikraft/rkalloc-tlsf';
import { MemPool } from '@thi.ng/malloc';
import { createBuddyJsBackend } from './buddy-js';

type RkPhysMem = RkAlloc['phys'];

/** An allocator as the replayer drives it. */
export interface Subject {
  readonly name: string;
  malloc(n: number): number;
  calloc(n: number): number;
  realloc(p: number, n: number): number;
  free(p: number): void;
  memalign(align: number, n: number): number;
  /** Heap bytes consumed (from the allocator's own accounting) and the largest allocatable block. */
  measure(): { consumed: number; maxalloc: number };
}

export const OURS = ['buddy', 'buddy-js', 'tlsf', 'tiny', 'region'] as const;
export type OurName = (typeof OURS)[number];

/** Guest RAM for the benchmarks: `size` bytes at 0x8000_0000. */
export function benchPhys(size: number): RkPhysMem {
  const buffer = new SharedArrayBuffer(size);
  return {
    buffer,
    base: 0x8000_0000,
    size,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
}

/** The raw backend of one of our allocators over the whole of `phys` (less the first page). */
export function ourBackend(name: OurName, phys: RkPhysMem, len = phys.size - 4096): RkAllocBackend {
  const base = phys.base + 4096;
  switch (name) {
    case 'buddy':
      return new BuddyBackend(phys, base, len);
    case 'buddy-js':
      return createBuddyJsBackend(phys, base, len);
    case 'tlsf':
      return new TlsfBackend(phys, base, len);
    case 'tiny':
      return new TinyBackend(base, len);
    case 'region':
      return new RegionBackend(phys, base, len);
  }
}

export function ourSubject(name: OurName, phys: RkPhysMem, harden: boolean): Subject {
  const a: RkAlloc = createRkAlloc(ourBackend(name, phys), phys, {
    name,
    harden: harden ? { seed: 42, randomize: true, quarantine: 32 } : false,
  });
  const start = a.availmem();
  return {
    name: harden ? `${name} (hardened)` : name,
    malloc: (n) => a.malloc(n),
    calloc: (n) => a.calloc(1, n),
    realloc: (p, n) => a.realloc(p, n),
    free: (p) => a.free(p),
    memalign: (al, n) => a.memalign(al, n),
    measure: () => ({ consumed: start - a.availmem(), maxalloc: a.maxalloc() }),
  };
}

/** @thi.ng/malloc's MemPool; it has no per-call memalign, so memalign over-allocates by `align`. */
export function thingSubject(size: number): Subject {
  const pool = new MemPool({ buf: new ArrayBuffer(size), align: 16 });
  const start = pool.stats().available;
  return {
    name: '@thi.ng/malloc',
    malloc: (n) => pool.malloc(n),
    calloc: (n) => pool.calloc(n),
    realloc: (p, n) => pool.realloc(p, n),
    free: (p) => void pool.free(p),
    memalign: (al, n) => pool.malloc(n + al),
    measure: () => {
      const s = pool.stats();
      return { consumed: start - s.available, maxalloc: s.available };
    },
  };
}
