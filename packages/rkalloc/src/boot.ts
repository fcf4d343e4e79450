// Boot wiring shared by every allocator library: the boot parameters and the init that builds the
// allocator on the platform's free RAM regions and provides `rkalloc` (ukalloc's boot-time setup in ukboot).
import { Errno, RkError } from '@runikraft/errno';
import type { RkInitContext } from '@runikraft/rkboot';
import type { RkPhysMem, RkPlat } from '@runikraft/rkplat';
import type { RkAlloc } from './api';
import type { RkAllocBackend } from './backend';
import { createRkAlloc } from './front';
import { createAllocApi } from './registry';

/** Boot parameters every allocator library declares (`<library>.harden=1`, `<library>.seed=42`, ...). */
export const rkallocParams = {
  harden: {
    type: 'boolean',
    default: false,
    doc: 'canaries, poisoning, double/invalid-free detection',
  },
  seed: {
    type: 'number',
    default: 0,
    min: 0,
    max: 0xffffffff,
    integer: true,
    doc: 'hardening seed; 0 = from the platform clocks',
  },
  randomize: { type: 'boolean', default: true, doc: 'randomised placement when hardened' },
  quarantine: {
    type: 'number',
    default: 32,
    min: 0,
    max: 65536,
    integer: true,
    doc: 'freed blocks held back when hardened',
  },
} as const;

export type RkAllocParams = typeof rkallocParams;

/** Builds a provider's backend over its first region; further regions arrive through addmem. */
export type RkBackendFactory = (
  phys: RkPhysMem,
  base: number,
  len: number,
) => RkAllocBackend | null;

/** A seed from the platform's clocks (the wall clock and the monotonic counter), never 0. */
export function platformSeed(plat: RkPlat): number {
  const wall = Number(plat.time.wallClockNs() & 0xffff_ffffn);
  return (wall ^ Math.imul(plat.time.monotonicNs() | 0, 0x85ebca6b)) >>> 0 || 1;
}

/**
 * Creates an allocator over every free region of the platform (largest first), honouring the hardening
 * parameters. @returns the instance; throws RkError(ENOMEM) when there is no usable free region.
 */
export function allocFromPlat(
  plat: RkPlat,
  name: string,
  factory: RkBackendFactory,
  params: { harden: boolean; seed: number; randomize: boolean; quarantine: number },
): RkAlloc {
  const regions = plat.memory
    .regions()
    .filter((r) => r.type === 'free')
    .sort((a, b) => b.len - a.len);
  const phys = plat.memory.phys;
  let backend: RkAllocBackend | null = null;
  for (const r of regions) {
    if (backend === null) backend = factory(phys, r.pbase, r.len);
    else backend.addmem(r.pbase, r.len);
  }
  if (backend === null)
    throw new RkError(
      Errno.ENOMEM,
      `${name}: no usable free memory region (regions: ${regions.length})`,
    );
  const harden = params.harden
    ? {
        seed: params.seed || platformSeed(plat),
        randomize: params.randomize,
        quarantine: params.quarantine,
      }
    : false;
  return createRkAlloc(backend, phys, { name, harden });
}

/** The init function of an allocator library: builds the allocator and provides `rkalloc`. */
export function initAllocLibrary(
  ctx: RkInitContext<RkAllocParams>,
  factory: RkBackendFactory,
): void {
  const alloc = allocFromPlat(ctx.plat, ctx.library.name, factory, ctx.params);
  ctx.registry.provide('rkalloc', createAllocApi(alloc));
}
