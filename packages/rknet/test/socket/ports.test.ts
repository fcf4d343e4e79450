import { Errno } from '@runikraft/errno';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RK_EPHEMERAL_FIRST, RK_EPHEMERAL_LAST, RkPortTable } from '../../src/socket/ports';

const A = 0x0a00020f;
const B = 0x0a000210;

describe('RkPortTable', () => {
  it('refuses overlapping bindings unless both reuse, and allows distinct addresses', () => {
    const t = new RkPortTable<string>();
    expect(t.bind('s1', 0, 80, false)).toBe(80);
    expect(t.bind('s2', A, 80, false)).toBe(-Errno.EADDRINUSE);
    expect(t.bind('s3', A, 81, true)).toBe(81);
    expect(t.bind('s4', A, 81, true)).toBe(81);
    expect(t.bind('s5', A, 82, false)).toBe(82);
    expect(t.bind('s6', B, 82, false)).toBe(82);
    expect(t.lookup(82, B)).toBe('s6');
    expect(t.lookup(80, A)).toBe('s1');
    expect(t.bind('s7', 0, 70000, false)).toBe(-Errno.EINVAL);
    t.release('s1', 80);
    expect(t.bind('s2', A, 80, false)).toBe(80);
    expect(t.lookup(80, B)).toBeUndefined();
  });

  it('hands out distinct ephemeral ports in the Linux range and runs out with EADDRINUSE', () => {
    const t = new RkPortTable<number>(12345);
    const seen = new Set<number>();
    const span = RK_EPHEMERAL_LAST - RK_EPHEMERAL_FIRST + 1;
    for (let i = 0; i < span; i++) {
      const p = t.bind(i, 0, 0, false);
      expect(p).toBeGreaterThanOrEqual(RK_EPHEMERAL_FIRST);
      expect(p).toBeLessThanOrEqual(RK_EPHEMERAL_LAST);
      seen.add(p);
    }
    expect(seen.size).toBe(span);
    expect(t.bind(-1, 0, 0, false)).toBe(-Errno.EADDRINUSE);
  });

  it('property: after binding and releasing everything the table is empty', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(0, A, B), fc.nat(5), fc.boolean()), { maxLength: 40 }),
        (ops) => {
          const t = new RkPortTable<number>();
          const bound: [number, number][] = [];
          ops.forEach(([addr, port, reuse], i) => {
            const r = t.bind(i, addr, port === 0 ? 0 : 1000 + port, reuse);
            if (r > 0) bound.push([i, r]);
          });
          for (const [o, p] of bound) t.release(o, p);
          expect(t.size).toBe(0);
        },
      ),
    );
  });
});
