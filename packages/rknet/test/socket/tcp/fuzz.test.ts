import { describe, expect, it } from 'vitest';
import { fuzzTcpInput } from './fuzz-driver';

describe('tcp input fuzzing (seeded; the 1M-input job is tools/bench tcpfuzz)', () => {
  for (const seed of [1, 2, 3])
    it(`seed ${seed}: 3,000 random and mutated segments — no exception, invariants hold, nothing leaks`, () => {
      const r = fuzzTcpInput(seed, 3000);
      expect(r.inputs).toBe(3000);
      expect(r.connectionsSeen).toBeGreaterThan(0);
    });
});
