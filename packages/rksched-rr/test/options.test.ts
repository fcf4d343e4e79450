// Bad policy options are RkError EINVAL naming the value (the rksched error convention).
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { createRrPolicy } from '../src/policy';

describe('rksched-rr options', () => {
  it('refuses a slice that is not a positive number with RkError EINVAL', () => {
    for (const sliceNs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => createRrPolicy({ sliceNs })).toThrow(
        expect.objectContaining({ name: 'RkError', errno: Errno.EINVAL }),
      );
    expect(() => createRrPolicy({ sliceNs: 0 })).toThrow(/slice 0 ns/);
  });
});
