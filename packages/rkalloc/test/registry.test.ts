import { describe, expect, it } from 'vitest';
import { createTestPhys } from '../src/conformance';
import { createRkAlloc } from '../src/front';
import { createAllocApi } from '../src/registry';
import { FirstFitBackend } from './fixtures/firstfit';

const phys = createTestPhys(1 << 20);
const make = (name: string, at: number) =>
  createRkAlloc(new FirstFitBackend(phys.base + at, 0x1_0000), phys, { name });

describe('createAllocApi', () => {
  it('keeps several instances, one default, and allocators per purpose', () => {
    const a = make('main', 0);
    const dma = make('dma', 0x2_0000);
    const api = createAllocApi(a);
    expect(api.default).toBe(a);
    api.setPurpose('dma', dma);
    expect(api.forPurpose('dma')).toBe(dma);
    expect(api.forPurpose('net')).toBe(a);
    expect(api.all().map((x) => x.name)).toEqual(['main', 'dma']);
    api.setDefault(dma);
    expect(api.default).toBe(dma);
    expect(api.find('main')).toBe(a);
    expect(api.find('nope')).toBeUndefined();
  });
  it('rejects two instances with the same name', () => {
    const api = createAllocApi(make('x', 0));
    expect(() => api.register(make('x', 0x4_0000))).toThrow(
      /^EEXIST: rkalloc: .*already registered/,
    );
  });
});
