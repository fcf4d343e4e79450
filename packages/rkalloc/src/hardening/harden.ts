// The hardening layer: wraps any backend with canaries, poisoning, a quarantine, misuse detection and
// randomised placement. Bookkeeping lives in JS maps (DESIGN.md §5 allows kernel bookkeeping in JS).
import type { RkPhysMem } from '@runikraft/rkplat';
import { RK_PAGE_SIZE } from '../api';
import type { RkAllocBackend } from '../backend';
import { fillBytes } from '../fill';
import { checkCanaries, findUnpoisoned, RK_POISON_SPOT_CHECK, writeCanaries } from './canary';
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

/** Frees remembered to tell a double free from an invalid one (older ones report as invalid-free). */
const FREED_HISTORY = 4096;

/** A backend with hardening; `check()` validates every live and quarantined block now. */
export interface RkHardenedBackend extends RkAllocBackend {
  check(): void;
  /** Throws size-mismatch unless `ptr` is live with exactly `size` requested bytes. */
  checkSize(ptr: number, size: number): void;
  /** Releases every quarantined block to the inner allocator (after checking its poison). */
  flushQuarantine(): void;
}

/**
 * Wraps `inner` (which must implement memalign, palloc and pfree; see withCompat) with hardening.
 * Violations name the allocator instance `name` (default: the backend's name).
 */
export function hardenBackend(
  inner: RkAllocBackend,
  phys: RkPhysMem,
  opts: RkHardeningOptions,
  name = inner.name,
): RkHardenedBackend {
  const u8 = phys.u8;
  const u32 = new Uint32Array(phys.buffer, phys.u8.byteOffset, phys.size >>> 2);
  const base = phys.base;
  const rng = new RkXorshift32(opts.seed);
  const secret = rng.next();
  const randomize = opts.randomize ?? true;
  const qmax = opts.quarantine ?? 32;
  // Keyed by offset from phys.base: small integers hash fast in V8 (addresses above 2^31 are heap numbers).
  const live = new Map<number, Block>();
  const pages = new Map<number, number>();
  // Recently freed addresses (to tell a double free from an invalid one): address -> sequence number,
  // bounded by a ring of the last FREED_HISTORY frees.
  const freed = new Map<number, number>();
  const ring = new Float64Array(FREED_HISTORY);
  let seq = 0;
  const quarantine: Quarantined[] = [];
  const fail = (kind: RkAllocViolationKind, block: number, detail: string): never => {
    throw new RkAllocViolation(name, kind, block, detail);
  };

  const remember = (user: number) => {
    const slot = seq % FREED_HISTORY;
    if (seq >= FREED_HISTORY && freed.get(ring[slot]) === seq - FREED_HISTORY)
      freed.delete(ring[slot]);
    ring[slot] = user - base;
    freed.set(user - base, seq++);
  };
  const place = (innerPtr: number, front: number, size: number): number => {
    if (innerPtr === 0) return 0;
    const user = innerPtr + front;
    writeCanaries(u8, u32, user - base, size, secret, user);
    live.set(user - base, { inner: innerPtr, size });
    freed.delete(user - base);
    return user;
  };
  const lookup = (ptr: number, op: string): Block => {
    const b = live.get(ptr - base);
    if (b !== undefined) return b;
    if (pages.has(ptr - base))
      fail(
        'free-of-pages',
        ptr,
        `${op} of a palloc'd block; use pfree(ptr, ${pages.get(ptr - base)})`,
      );
    if (freed.has(ptr - base)) fail('double-free', ptr, `${op} of a block that was already freed`);
    return fail('invalid-free', ptr, `${op} of a pointer this allocator never returned`);
  };
  const verify = (user: number, b: Block) => {
    const bad = checkCanaries(u8, u32, user - base, b.size, secret, user);
    if (bad) {
      const where =
        bad === 'canary-front'
          ? 'before the block (underflow)'
          : `after ${b.size} bytes (overflow)`;
      fail(bad, user, `guard canary overwritten ${where}`);
    }
  };
  const evict = (index: number) => {
    const q = quarantine[index];
    quarantine[index] = quarantine[quarantine.length - 1];
    quarantine.pop();
    const bad = findUnpoisoned(u8, q.user - base, Math.min(q.size, RK_POISON_SPOT_CHECK), u32);
    if (bad >= 0)
      fail(
        'use-after-free',
        q.user,
        `freed block (${q.size} bytes) written at offset ${bad - (q.user - base)} after free`,
      );
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
      live.delete(ptr - base);
      remember(ptr);
      fillBytes(u8, ptr - base, b.size, RK_POISON_BYTE);
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
        pages.set(p - base, npages);
        freed.delete(p - base);
      }
      return p;
    },
    pfree(ptr, npages) {
      const n = pages.get(ptr - base);
      if (n === undefined) {
        if (live.has(ptr - base))
          fail('pfree-of-malloc', ptr, "pfree of a malloc'd block; use free(ptr)");
        if (freed.has(ptr - base))
          fail('double-free', ptr, 'pfree of pages that were already freed');
        fail('invalid-free', ptr, 'pfree of a pointer palloc never returned');
      } else if (n !== npages) {
        fail('pfree-count', ptr, `pfree(${hex(ptr)}, ${npages}) but palloc gave ${n} page(s)`);
      } else {
        pages.delete(ptr - base);
        remember(ptr);
        fillBytes(u8, ptr - base, npages * RK_PAGE_SIZE, RK_POISON_BYTE);
        inner.pfree!(ptr, npages);
      }
    },
    addmem: (b, l) => inner.addmem(b, l),
    availmem: () => inner.availmem(),
    maxalloc() {
      const m = inner.maxalloc() - 2 * RK_CANARY_BYTES - (randomize ? 3 * 16 : 0);
      return Math.max(m, 0);
    },
    check() {
      for (const [off, b] of live) verify(off + base, b);
      for (const q of quarantine) {
        const bad = findUnpoisoned(u8, q.user - base, q.size, u32);
        if (bad >= 0)
          fail(
            'use-after-free',
            q.user,
            `freed block written at offset ${bad - (q.user - base)} after free`,
          );
      }
    },
    checkSize(ptr, size) {
      const b = lookup(ptr, 'release');
      if (b.size !== size)
        fail('size-mismatch', ptr, `release with size ${size} but the block has ${b.size} bytes`);
    },
    flushQuarantine() {
      while (quarantine.length > 0) evict(quarantine.length - 1);
    },
  };
  return self;
}
