// LinearMemory.refresh: the views follow memory.grow (the old buffer is detached, which refresh
// checks instead of asking the engine for `buffer` on every import), the growth is reported for
// accounting once, and a shared memory (never detached) is re-read every time.
import { describe, expect, it } from 'vitest';
import { LinearMemory } from '../src/index';

describe('LinearMemory.refresh', () => {
  it('sees a grown memory and reports each size once', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const sizes: number[] = [];
    const m = new LinearMemory(memory, (n) => sizes.push(n));
    m.setU32(65532, 7);
    expect(() => m.setU32(65536, 1)).toThrow(/outside linear memory/);
    memory.grow(2);
    m.refresh();
    m.refresh();
    m.setU32(3 * 65536 - 4, 9);
    expect(new DataView(memory.buffer).getUint32(3 * 65536 - 4, true)).toBe(9);
    expect(m.u32(65532)).toBe(7);
    expect(sizes).toEqual([65536, 3 * 65536]);
  });

  it('re-reads a shared memory, whose buffer grow does not detach', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const sizes: number[] = [];
    const m = new LinearMemory(memory, (n) => sizes.push(n));
    memory.grow(1);
    m.refresh();
    m.setU32(2 * 65536 - 4, 5);
    expect(new DataView(memory.buffer).getUint32(2 * 65536 - 4, true)).toBe(5);
    expect(sizes).toEqual([65536, 2 * 65536]);
  });
});
