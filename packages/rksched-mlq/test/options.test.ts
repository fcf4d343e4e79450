// Bad policy options are RkError EINVAL naming the value (the rksched error convention).
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import { createMlqPolicy } from '../src/policy';

describe('rksched-mlq options', () => {
  it('refuses bad levels, slices and aging periods with RkError EINVAL', () => {
    const cases = [
      [{ levels: 1 }, /levels 1/],
      [{ levels: 2.5 }, /levels 2.5/],
      [{ sliceNs: 0 }, /slice 0 ns/],
      [{ agingNs: Number.NaN }, /aging period NaN ns/],
    ] as const;
    for (const [opts, msg] of cases) {
      expect(() => createMlqPolicy(opts)).toThrow(
        expect.objectContaining({ name: 'RkError', errno: Errno.EINVAL }),
      );
      expect(() => createMlqPolicy(opts)).toThrow(msg);
    }
  });
});
