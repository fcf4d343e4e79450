// Hardening options shared by every allocator (boot parameters rkalloc-*.harden, .seed, .quarantine, .randomize).

/** How a hardened allocator behaves. */
export interface RkHardeningOptions {
  /** Seed for canary values and randomised placement (the platform supplies one at boot). */
  seed: number;
  /** Randomise block placement (random front padding, random quarantine eviction). Default true. */
  randomize?: boolean;
  /** Freed blocks held back (poisoned) before the memory is reused; 0 disables. Default 32. */
  quarantine?: number;
}

/** Byte written over freed memory; a later difference means a write after free. */
export const RK_POISON_BYTE = 0xdb;
/** Bytes of canary before and after each block. */
export const RK_CANARY_BYTES = 16;
