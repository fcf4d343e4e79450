import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeRegions } from '../../src/plat/memregions';

describe('computeRegions', () => {
  it('carves the dtb and reserved ranges out of RAM', () => {
    const r = computeRegions(
      [{ base: 0x80000000, size: 0x8000000 }],
      [
        { base: 0x87e00000, size: 0x1000, type: 'devicetree', name: 'dtb' },
        { base: 0x80000000, size: 0x80000, type: 'reserved', name: 'fw' },
      ],
    );
    expect(r).toEqual([
      { pbase: 0x80000000, len: 0x80000, type: 'reserved', name: 'fw' },
      { pbase: 0x80080000, len: 0x87e00000 - 0x80080000, type: 'free', name: 'memory' },
      { pbase: 0x87e00000, len: 0x1000, type: 'devicetree', name: 'dtb' },
      { pbase: 0x87e01000, len: 0x88000000 - 0x87e01000, type: 'free', name: 'memory' },
    ]);
  });
  it('regions tile RAM exactly: sorted, disjoint, covering', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            base: fc.integer({ min: 0, max: 2000 }),
            size: fc.integer({ min: 1, max: 500 }),
          }),
          { maxLength: 8 },
        ),
        (used) => {
          const ram = [{ base: 1000, size: 1000 }];
          const r = computeRegions(
            ram,
            used.map((u) => ({ ...u, type: 'reserved' as const, name: 'x' })),
          );
          let cur = 1000;
          for (const g of r) {
            expect(g.pbase).toBe(cur);
            expect(g.len).toBeGreaterThan(0);
            cur += g.len;
          }
          expect(cur).toBe(2000);
          for (const g of r.filter((x) => x.type === 'free')) {
            for (const u of used)
              expect(g.pbase >= u.base + u.size || g.pbase + g.len <= u.base).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
