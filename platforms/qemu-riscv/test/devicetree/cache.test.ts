import { describe, expect, it } from 'vitest';
import { buildVirtDtb } from '../../src/machine/devicetree';
import { cachedDtb } from '../../src/machine/devicetree/cache';

const seed = (b: number) => new Uint8Array(32).fill(b);
const cfg = (s: Uint8Array, bootargs?: string) =>
  buildVirtDtb({
    memoryBytes: 64 << 20,
    smp: 2,
    aclint: false,
    rngSeed: s,
    ...(bootargs ? { bootargs } : {}),
  });

describe('cachedDtb', () => {
  it('equals a fresh build for every seed, building each configuration once', () => {
    let builds = 0;
    const build = (s: Uint8Array) => {
      builds++;
      return cfg(s);
    };
    for (const b of [1, 2, 3]) expect(cachedDtb('k1', seed(b), build)).toEqual(cfg(seed(b)));
    expect(builds).toBe(1);
  });
  it('keys keep configurations apart', () => {
    const a = cachedDtb('k2', seed(9), (s) => cfg(s, 'a=1'));
    const b = cachedDtb('k3', seed(9), (s) => cfg(s, 'b=2'));
    expect(a).toEqual(cfg(seed(9), 'a=1'));
    expect(b).toEqual(cfg(seed(9), 'b=2'));
  });
  it('returned blobs are independent copies', () => {
    const a = cachedDtb('k4', seed(5), (s) => cfg(s));
    a[0] = 0;
    expect(cachedDtb('k4', seed(5), (s) => cfg(s))[0]).toBe(0xd0);
  });
});
