import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { validateAttr } from '../src/validate';

describe('validateAttr', () => {
  it('accepts good attributes and names the first bad one with EINVAL', () => {
    expect(() =>
      validateAttr({ prio: 5, rt: { period: 10, deadline: 8, budget: 2, phase: 0 } }),
    ).not.toThrow();
    const cases: [object, RegExp][] = [
      [{ prio: 1.5 }, /priority 1.5/],
      [{ prio: 5000 }, /priority 5000/],
      [{ rt: { period: 0 } }, /rt.period 0/],
      [{ rt: { period: Number.NaN } }, /rt.period NaN/],
      [{ rt: { period: 10, deadline: 20 } }, /deadline 20 exceeds rt.period 10/],
      [{ rt: { period: 10, budget: 11 } }, /budget 11 exceeds the deadline 10/],
      [{ rt: { period: 10, phase: -1 } }, /phase -1/],
    ];
    for (const [attr, msg] of cases) {
      expect(() => validateAttr(attr)).toThrow(msg);
      expect(() => validateAttr(attr)).toThrow(expect.objectContaining({ errno: Errno.EINVAL }));
    }
  });
});
