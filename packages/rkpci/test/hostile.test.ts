// Hardware is not trusted either: config space that returns arbitrary values (seeded), BAR masks that
// claim the whole address space, looping capability chains and bridges everywhere. Enumeration must
// end, never throw, and never place a BAR outside a window or over another.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RkPciConfigAccess } from '../src/api';
import { enumerateHostBridge } from '../src/enumerate';
import { fakeHostBridge, VIRT_WINDOWS } from './fake-config';

/** Config space whose every read is the next value of a seeded generator; writes are dropped. */
function noise(seed: number, absentBias: number): RkPciConfigAccess & { reads: number } {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  return {
    reads: 0,
    read(_b, _d, _f, _o, w) {
      this.reads++;
      const v = next();
      // most slots empty, so the scan also sees all-ones as real hardware shows it
      if (v % 100 < absentBias) return [0, 0xff, 0xffff, 0, 0xffffffff][w]!;
      return w === 4 ? v : v & (2 ** (8 * w) - 1);
    },
    write() {},
  };
}

describe('enumeration of hostile config space', () => {
  it('random values at every read: ends, no throw, BARs placed only inside windows and disjoint', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 95 }),
        fc.integer({ min: 0, max: 7 }),
        (seed, bias, lastBus) => {
          const cfg = noise(seed, bias);
          const hb = { ...fakeHostBridge(null as never), cfg, busEnd: lastBus };
          const { functions } = enumerateHostBridge(hb);
          expect(cfg.reads).toBeLessThan(2_000_000);
          const placed = functions
            .flatMap((f) => f.bars.filter((b) => b && b.pciAddr >= 0))
            .map((b) => b!);
          for (const b of placed) {
            const w = VIRT_WINDOWS.find(
              (x) =>
                (x.space === 'io') === (b.space === 'io') &&
                b.pciAddr >= x.pciBase &&
                b.pciAddr + b.size <= x.pciBase + x.size,
            );
            expect(w, `${b.space} ${b.pciAddr} +${b.size}`).toBeDefined();
            expect(b.cpuAddr - b.pciAddr).toBe(w!.cpuBase - w!.pciBase);
          }
          const sorted = placed
            .map((b) => [b.space === 'io' ? 0 : 1, b.pciAddr, b.size] as const)
            .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          for (let i = 1; i < sorted.length; i++)
            if (sorted[i]![0] === sorted[i - 1]![0])
              expect(sorted[i]![1]).toBeGreaterThanOrEqual(sorted[i - 1]![1] + sorted[i - 1]![2]);
          for (const f of functions) {
            expect(f.pin).toBeLessThanOrEqual(4);
            expect(f.capabilities().length).toBeLessThanOrEqual(48);
          }
        },
      ),
      { numRuns: 60, seed: 1414 },
    );
  });
});
