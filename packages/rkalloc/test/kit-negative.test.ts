// The conformance kit must pass a correct allocator and fail deliberately broken ones.
import { describe, expect, it } from 'vitest';
import type { RkAlloc } from '../src/api';
import { type RkAllocFactory, rkAllocChecks } from '../src/conformance';
import { createRkAlloc } from '../src/front';
import {
  FirstFitBackend,
  LeakyBackend,
  OverlappingBackend,
  TrustingBackend,
} from './fixtures/firstfit';

const firstFit: RkAllocFactory = (env) =>
  createRkAlloc(new FirstFitBackend(env.base, env.len), env.phys, { harden: env.harden });

/** Runs the kit and returns the names of the checks that failed. */
function failures(make: RkAllocFactory): string[] {
  const failed: string[] = [];
  for (const c of rkAllocChecks(make, { numRuns: 60 })) {
    try {
      c.run();
    } catch {
      failed.push(c.name);
    }
  }
  return failed;
}

const wrap =
  (make: RkAllocFactory, patch: (a: RkAlloc) => Partial<RkAlloc>): RkAllocFactory =>
  (env) => {
    const a = make(env);
    return Object.assign(Object.create(a) as RkAlloc, a, patch(a));
  };

describe('conformance kit', () => {
  it('passes a correct reference allocator', () => {
    expect(failures(firstFit)).toEqual([]);
  });
  it('catches an allocator that hands out overlapping blocks', () => {
    const f = failures((env) =>
      createRkAlloc(new OverlappingBackend(env.base, env.len), env.phys, { harden: env.harden }),
    );
    expect(f).toContain(
      'random operation sequences keep blocks disjoint, in the regions, aligned, intact; no leak',
    );
  });
  it('catches a leaking allocator', () => {
    const f = failures((env) =>
      createRkAlloc(new LeakyBackend(env.base, env.len), env.phys, { harden: env.harden }),
    );
    expect(f).toContain(
      'random operation sequences keep blocks disjoint, in the regions, aligned, intact; no leak',
    );
    expect(f).toContain('palloc returns page-aligned pages and pfree gives them back');
  });
  it('catches an allocator that takes a double or invalid free without a word', () => {
    const f = failures((env) =>
      createRkAlloc(new TrustingBackend(env.base, env.len), env.phys, { harden: env.harden }),
    );
    expect(f).toContain('unhardened: a double free is reported and the heap stays intact');
    expect(f).toContain(
      'unhardened: a free of an interior pointer is reported and the heap stays intact',
    );
    expect(f).toContain(
      'unhardened: a free of an address never returned is reported and the heap stays intact',
    );
  });
  it('catches a calloc that does not zero', () => {
    const f = failures(wrap(firstFit, (a) => ({ calloc: (n, s) => a.malloc(n * s) })));
    expect(f).toContain(
      'random operation sequences keep blocks disjoint, in the regions, aligned, intact; no leak',
    );
  });
  it('catches a memalign that ignores the alignment', () => {
    const f = failures(wrap(firstFit, (a) => ({ memalign: (_al, s) => a.malloc(s) })));
    expect(f).toContain(
      'memalign honours every power-of-two alignment; posix_memalign rejects bad alignments',
    );
  });
  it('catches statistics that lie', () => {
    const f = failures(
      wrap(firstFit, (a) => ({ stats: () => ({ ...a.stats(), curNbAllocs: 0 }) })),
    );
    expect(f).toContain('statistics record sizes, counts and peaks');
  });
  it('catches a hardened mode that misses misuse', () => {
    const lax = wrap(firstFit, (a) => ({
      free: (p) => {
        try {
          a.free(p);
        } catch {
          /* swallowed: the misuse goes unreported */
        }
      },
    }));
    const f = failures(lax);
    expect(f).toContain('hardened: double free is reported as a precise violation');
    expect(f).toContain('hardened: one-byte overflow is reported as a precise violation');
  });
});
