// The allocator API (counterpart of Unikraft's include/uk/alloc.h: struct uk_alloc and uk_malloc & co).
// Pointers are guest-physical addresses into RkPhysMem; 0 is NULL.
// The registry augmentation below needs rkboot in the program (tsup's d.ts build resolves it only when imported).
import type {} from '@runikraft/rkboot';
import type { RkPhysMem } from '@runikraft/rkplat';

/** Page size of palloc/pfree (Unikraft's __PAGE_SIZE on riscv64). */
export const RK_PAGE_SIZE = 4096;
/** Alignment malloc guarantees (riscv64 psABI: 16). */
export const RK_MALLOC_ALIGN = 16;

/** Per-allocator statistics (struct uk_alloc_stats). Sizes are usable bytes as the allocator sees them. */
export interface RkAllocStats {
  /** Size of the last successful request (bytes asked for). */
  lastAllocSize: number;
  maxAllocSize: number;
  /** Smallest request; 0 until the first allocation. */
  minAllocSize: number;
  /** Successful allocations since creation (malloc, calloc, memalign, palloc, realloc that moved). */
  totNbAllocs: number;
  totNbFrees: number;
  /** Live allocations. */
  curNbAllocs: number;
  maxNbAllocs: number;
  /** Bytes held by live allocations (usable sizes). */
  curMemUse: number;
  maxMemUse: number;
  /** Requests that failed for lack of memory (uk_alloc_stats.nb_enomem). */
  nbEnomem: number;
}

/** Result of {@link RkAlloc.posixMemalign}: `err` is 0, -EINVAL or -ENOMEM (the layer's -errno convention). */
export interface RkPosixMemalignResult {
  readonly err: number;
  readonly ptr: number;
}

/**
 * One allocator instance (struct uk_alloc + the uk_* front-end calls). Every method runs in thread
 * context and never parks; none may be called from IRQ context while another call is running.
 */
export interface RkAlloc {
  /** Instance name ("buddy", "tlsf", ...). */
  readonly name: string;
  /** The guest RAM the returned addresses point into. */
  readonly phys: RkPhysMem;
  /** True when canaries, poisoning and misuse detection are on (see `@runikraft/rkalloc/hardening`). */
  readonly hardened: boolean;

  /** Allocates `size` bytes aligned to 16. @returns the address, or 0 when out of memory. malloc(0) returns a unique pointer. */
  malloc(size: number): number;
  /** Allocates `nmemb * size` zeroed bytes. @returns the address, or 0 on overflow or out of memory. */
  calloc(nmemb: number, size: number): number;
  /**
   * Resizes a block, keeping its contents up to the smaller size. `realloc(0, n)` is malloc(n);
   * `realloc(p, 0)` frees p and returns 0. @returns the new address, or 0 (p stays valid) when out of memory.
   */
  realloc(ptr: number, size: number): number;
  /** Allocates `size` bytes aligned to `align` (a power of two). @returns the address, or 0 (bad align or out of memory). */
  memalign(align: number, size: number): number;
  /**
   * posix_memalign: `align` must be a power of two multiple of 8. @returns {err: 0, ptr}, or {err: -EINVAL
   * (bad align) | -ENOMEM, ptr: 0}. Negative as every errno in rkalloc (uk_posix_memalign returns POSIX's
   * positive codes; a libc layer converts).
   */
  posixMemalign(align: number, size: number): RkPosixMemalignResult;
  /**
   * Frees a block from malloc/calloc/realloc/memalign; free(0) does nothing. A double free, an interior
   * pointer or an address never returned throws RkAllocViolation in every mode, with the heap unchanged.
   */
  free(ptr: number): void;
  /** Sized release (the second level of the API): frees `ptr`, which the caller states was allocated with `size` bytes. */
  release(ptr: number, size: number): void;
  /** Allocates `npages` contiguous 4 KiB pages, page-aligned. @returns the address, or 0. */
  palloc(npages: number): number;
  /** Frees pages from palloc; `npages` must be the count given to palloc. */
  pfree(ptr: number, npages: number): void;
  /** Hands the allocator another region of guest RAM [base, base+len). @returns 0, or -EINVAL / -ENOMEM (too small). */
  addmem(base: number, len: number): number;
  /** Bytes still available (uk_alloc_availmem). */
  availmem(): number;
  /** The largest size a malloc can currently satisfy (uk_alloc_maxalloc); 0 if none. */
  maxalloc(): number;
  /** Free pages (uk_alloc_pavailmem). */
  pavailmem(): number;
  /** The largest palloc that can currently succeed, in pages (uk_alloc_pmaxalloc). */
  pmaxalloc(): number;
  /** Usable bytes of a live block (malloc_usable_size); 0 for ptr 0. */
  usableSize(ptr: number): number;
  /** A snapshot of the statistics. */
  stats(): RkAllocStats;
  /** Validates every hardening invariant now (canaries of live blocks, poison of quarantined ones); throws the first violation. No-op when not hardened. */
  check(): void;
}

/** What the registry holds under `rkalloc`: every allocator instance, the default, and allocators per purpose. */
export interface RkAllocApi {
  /** The default allocator (uk_alloc_get_default). */
  readonly default: RkAlloc;
  /** Makes `alloc` the default; registers it if needed. */
  setDefault(alloc: RkAlloc): void;
  /** Adds an instance (uk_alloc_register). Throws on a duplicate name. */
  register(alloc: RkAlloc): void;
  /** All instances in registration order (uk_alloc_foreach). */
  all(): readonly RkAlloc[];
  /** The instance called `name`, or undefined. */
  find(name: string): RkAlloc | undefined;
  /** Binds a purpose ("dma", "net", "pages", ...) to an instance. */
  setPurpose(purpose: string, alloc: RkAlloc): void;
  /** The allocator for `purpose`, falling back to the default when none was bound. */
  forPurpose(purpose: string): RkAlloc;
}

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rkalloc: RkAllocApi;
  }
}
