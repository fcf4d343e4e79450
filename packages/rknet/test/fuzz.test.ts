// Seeded fuzzing of every wire parser and the IP input path in CI (a few thousand inputs); the
// ≥ 1M-input run is `pnpm --filter @runikraft/bench bench:ipfuzz`.
import { describe, expect, it } from 'vitest';
import { fuzzIpInput } from './fuzz-driver';

describe('IP input fuzz (seeded)', () => {
  for (const seed of [1, 2, 3])
    it(`seed ${seed}: 2,000 random and mutated frames: no exception, budgets held, no netbuf leak`, () => {
      const r = fuzzIpInput(seed, 2000);
      expect(r.inputs).toBe(2000);
      // The corpus is valid 10% of the time, so the stack must have answered some of it.
      expect(r.echoReplies).toBeGreaterThan(0);
      expect(r.dropped).toBeGreaterThan(0);
    });
});
