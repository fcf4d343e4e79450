// The hardening layer: wraps any backend with canaries, poisoning, a quarantine, misuse detection and
// randomised placement. Bookkeeping lives in JS maps (DESIGN.md §5 allows kernel bookkeeping in JS).
import type { RkPhysMem } from '@runikraft/rkplat';
import { RK_PAGE_SIZE } from '../api';
import type { RkAllocBackend } from '../backend';
import { checkCanaries, findUnpoisoned, writeCanaries } from './canary';
import { RK_CANARY_BYTES, RK_POISON_BYTE, type RkHardeningOptions } from './options';
import { RkXorshift32 } from './random';
import { hex, RkAllocViolation, type RkAllocViolationKind } from './violation';

interface Block {
  inner: number;
  size: number;
}
interface Quarantined extends Block {
  user: number;
}

const FREED_HISTORY = 65536;

/** A backend with hardening; `check()` validates every live and quarantined block now. */
export interface RkHardenedBackend extends RkAllocBackend {
  check(): void;
  /** Throws size-mismatch unless `ptr` is live with exactly `size` requested bytes. */
  checkSize(ptr: number, size: number): void;
  /** Releases every quarantined block to the inner allocator (after checking its poison). */
  flushQuarantine(): void;
}

/** Wraps `inner` (which must implement memalign, palloc and pfree; see withCompat) with hardening. */
export function hardenBackend(inner: RkAllocBackend, phys: RkPhysMem, opts: RkHardeningOptions): RkHardenedBackend {
  const u8 = phys.u8;
  const base = phys.base;
  const rng = new RkXorshift32(opts.seed);
  const secret = rng.next();
  const randomize = opts.randomize ?? true;
  const qmax = opts.quarantine ?? 32;
  const live = new Map<number, Block>();
  const pages = new Map<number, number>();
  const freed = new Set<number>();
  const quarantine: Quarantined[] = [];
  const name = inner.name;
  const fail = (kind: RkAllocViolationKind, block: number, detail: string): never => {
    throw new RkAllocViolation(name, kind, block, detail);
  };

  const remember = (user: number) => {
    freed.add(user);
    if (freed.size > FREED_HISTORY) freed.delete(freed.values().next().value as number);
  };
  const place = (innerPtr: number, front: number, size: number): number => {
    if (innerPtr === 0) return 0;
    const user = innerPtr + front;
    writeCanaries(u8, user - base, size, secret, user);
    live.set(user, { inner: innerPtr, size });
    freed.delete(user);
    return user;
  };
  const lookup = (ptr: number, op: string): Block => {
    const b = live.get(ptr);
    if (b !== undefined) return b;
    if (pages.has(ptr)) fail('free-of-pages', ptr, `${op} of a palloc'd block; use pfree(ptr, ${pages.get(ptr)})`);
    if (freed.has(ptr)) fail('double-free', ptr, `${op} of a block that was already freed`);
    return fail('invalid-free', ptr, `${op} of a pointer this allocator never returned`);
  };
  const verify = (user: number, b: Block) => {
    const bad = checkCanaries(u8, user - base, b.size, secret, user);
    if (bad) {
      const where = bad === 'canary-front' ? 'before the block (underflow)' : `after ${b.size} bytes (overflow)`;
      fail(bad, user, `guard canary overwritten ${where}`);
    }
  };
  const evict = (index: number) => {
    const q = quarantine[index];
    quarantine[index] = quarantine[quarantine.length - 1];
    quarantine.pop();
    const bad = findUnpoisoned(u8, q.user - base, q.size);
    if (bad >= 0) fail('use-after-free', q.user, `freed block (${q.size} bytes) written at offset ${bad - (q.user - base)} after free`);
    inner.free(q.inner);
  };
  const frontPad = (align: number) => (randomize ? rng.below(4) * align : 0);

  const self: RkHardenedBackend = {
    name,
    freeReclaims: inner.freeReclaims,
    malloc(size) {
      const front = RK_CANARY_BYTES + frontPad(16);
      return place(inner.malloc(front + size + RK_CANARY_BYTES), front, size);
    },
    memalign(align, size) {
      const front = align + frontPad(align);
      return place(inner.memalign!(align, front + size + RK_CANARY_BYTES), front, size);
    },
    free(ptr) {
      const b = lookup(ptr, 'free');
      verify(ptr, b);
      live.delete(ptr);
      remember(ptr);
      u8.fill(RK_POISON_BYTE, ptr - base, ptr - base + b.size);
      if (qmax === 0) inner.free(b.inner);
      else {
        quarantine.push({ user: ptr, inner: b.inner, size: b.size });
        if (quarantine.length > qmax) evict(randomize ? rng.below(quarantine.length) : 0);
      }
      return b.size;
    },
    usableSize(ptr) {
      return lookup(ptr, 'usableSize').size;
    },
    realloc(ptr, size) {
      const b = lookup(ptr, 'realloc');
      verify(ptr, b);
      const n = self.malloc(size);
      if (n === 0) return 0;
      u8.copyWithin(n - base, ptr - base, ptr - base + Math.min(size, b.size));
      self.free(ptr);
      return n;
    },
    palloc(npages) {
      const p = inner.palloc!(npages);
      if (p !== 0) {
        pages.set(p, npages);
        freed.delete(p);
      }
      return p;
    },
    pfree(ptr, npages) {
      const n = pages.get(ptr);
      if (n === undefined) {
        if (live.has(ptr)) fail('pfree-of-malloc', ptr, 'pfree of a malloc\'d block; use free(ptr)');
        if (freed.has(ptr)) fail('double-free', ptr, 'pfree of pages that were already freed');
        fail('invalid-free', ptr, 'pfree of a pointer palloc never returned');
      } else if (n !== npages) {
        fail('pfree-count', ptr, `pfree(${hex(ptr)}, ${npages}) but palloc gave ${n} page(s)`);
      } else {
        pages.delete(ptr);
        remember(ptr);
        u8.fill(RK_POISON_BYTE, ptr - base, ptr - base + npages * RK_PAGE_SIZE);
        inner.pfree!(ptr, npages);
      }
    },
    addmem: (b, l) => inner.addmem(b, l),
    availmem: () => inner.availmem(),
    maxalloc() {
      const m = inner.maxalloc() - 2 * RK_CANARY_BYTES - (randomize ? 3 * 16 : 0);
      return m > 0 ? m : 0;
    },
    check() {
      for (const [user, b] of live) verify(user, b);
      for (const q of quarantine) {
        const bad = findUnpoisoned(u8, q.user - base, q.size);
        if (bad >= 0) fail('use-after-free', q.user, `freed block written at offset ${bad - (q.user - base)} after free`);
      }
    },
    checkSize(ptr, size) {
      const b = lookup(ptr, 'release');
      if (b.size !== size) fail('size-mismatch', ptr, `release with size ${size} but the block has ${b.size} bytes`);
    },
    flushQuarantine() {
      while (quarantine.length > 0) evict(quarantine.length - 1);
    },
  };
  return self;
}
