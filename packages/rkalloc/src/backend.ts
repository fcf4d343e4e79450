// The provider side of an allocator (Unikraft's uk_alloc function pointers, uk/alloc_impl.h).
// Providers implement only this; argument checks, statistics, calloc/realloc and hardening live in the front end.

/**
 * What an allocator implementation provides. Addresses are guest-physical; 0 means failure.
 * The front end guarantees: `size >= 1`, `align` a power of two > 16, `npages >= 1`, and pointers
 * inside guest RAM. In hardened mode `free`, `realloc`, `usableSize` and `pfree` receive only live
 * pointers; otherwise the backend must reject any other pointer itself, as cheaply as its metadata
 * allows (the conformance kit checks it): throw `RkAllocViolation` — `double-free` for a block it holds
 * as free, `invalid-free` for anything else — before changing any state.
 */
export interface RkAllocBackend {
  /** Short name ("buddy"). */
  readonly name: string;
  /** Whether free() gives memory back (false for a region allocator). */
  readonly freeReclaims: boolean;
  /** Allocates `size` bytes aligned to 16, or returns 0. */
  malloc(size: number): number;
  /** Frees a live block from malloc/memalign/realloc; returns its usable size (for statistics). Throws RkAllocViolation for any other pointer. */
  free(ptr: number): number;
  /** Usable bytes of a live block (at least the requested size). */
  usableSize(ptr: number): number;
  /** Allocates `size` bytes aligned to `align` (> 16). Omit to let the front end emulate it. */
  memalign?(align: number, size: number): number;
  /** Resizes in place or moves, keeping contents; returns 0 on failure (ptr stays valid). Omit for malloc+copy+free. */
  realloc?(ptr: number, size: number): number;
  /** Allocates `npages` pages, page-aligned. Omit to use memalign(4096, npages*4096). */
  palloc?(npages: number): number;
  /** Frees pages from palloc. Required when palloc is given. */
  pfree?(ptr: number, npages: number): void;
  /** Adds a region [base, base+len). Returns 0 or -errno. */
  addmem(base: number, len: number): number;
  /** Bytes available. */
  availmem(): number;
  /** Largest size malloc(size) is guaranteed to satisfy now. */
  maxalloc(): number;
}
