import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listOf, listStart, SL_COUNT, searchListOf } from '../src/mapping';

describe('TLSF mapping', () => {
  it('maps small sizes linearly in 16-byte steps', () => {
    expect(listOf(32)).toBe(2);
    expect(listOf(255)).toBe(15);
    expect(listOf(256)).toBe(SL_COUNT);
  });
  it('every block of list i is >= listStart(i), and searchListOf(s) only holds blocks >= s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 32, max: 0x7fff_fff0 }), (raw) => {
        const s = raw & ~15;
        expect(listStart(listOf(s))).toBeLessThanOrEqual(s);
        expect(listStart(searchListOf(s))).toBeGreaterThanOrEqual(s);
        expect(listOf(listStart(listOf(s)))).toBe(listOf(s));
      }),
      { numRuns: 200 },
    );
  });
});
