// The test environment the conformance kit gives an allocator: a fresh guest RAM with two free regions.
import type { RkPhysMem } from '@runikraft/rkplat';
import type { RkAlloc } from '../api';
import type { RkHardeningOptions } from '../hardening/options';

/** What the kit hands a factory: RAM, the region to create the allocator on, and hardening. */
export interface RkAllocTestEnv {
  readonly phys: RkPhysMem;
  /** The first region [base, base+len); the kit adds `extra` through addmem itself. */
  readonly base: number;
  readonly len: number;
  readonly extra: { readonly base: number; readonly len: number };
  readonly harden: RkHardeningOptions | false;
}

/** Creates an allocator instance for one test. */
export type RkAllocFactory = (env: RkAllocTestEnv) => RkAlloc;

/** What an allocator promises; the kit skips or adapts checks accordingly. */
export interface RkAllocCapabilities {
  /** free() returns memory for reuse (false for a region/bump allocator). Default true. */
  freeReclaims?: boolean;
  /** fast-check runs per property. Default 100. */
  numRuns?: number;
}

/** Guest RAM for tests: `size` bytes at physical 0x8000_0000 (as the virt machine's RAM). */
export function createTestPhys(size: number, base = 0x8000_0000): RkPhysMem {
  const buffer = new SharedArrayBuffer(size);
  const u8 = new Uint8Array(buffer);
  return { buffer, base, size, u8, view: new DataView(buffer) };
}

const RAM = 4 << 20;
let shared: RkPhysMem | null = null;

/** A test environment over shared 4 MiB RAM, refilled with garbage so nothing relies on zeroed memory. */
export function testEnv(harden: RkHardeningOptions | false): RkAllocTestEnv {
  shared ??= createTestPhys(RAM);
  shared.u8.fill(0xa5);
  const b = shared.base;
  return {
    phys: shared,
    base: b + 0x1_0000,
    len: 0x18_0000,
    extra: { base: b + 0x20_0000, len: 0x10_0000 },
    harden,
  };
}

/** Creates the allocator for a check and hands it the second region. */
export function makeWithRegions(
  make: RkAllocFactory,
  harden: RkHardeningOptions | false,
): { a: RkAlloc; env: RkAllocTestEnv } {
  const env = testEnv(harden);
  const a = make(env);
  const r = a.addmem(env.extra.base, env.extra.len);
  if (r !== 0)
    throw new Error(
      `addmem(0x${env.extra.base.toString(16)}, ${env.extra.len}) returned ${r}, expected 0`,
    );
  return { a, env };
}
