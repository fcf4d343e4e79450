import { Errno } from '@runikraft/errno';
import { createSimPlat } from '@runikraft/rksched/sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RkRing } from '../src/ring';

const phys = () => createSimPlat({ memBytes: 1 << 16 }).memory.phys;
const BASE = 0x8000_0000;

describe('RkRing', () => {
  it('behaves as a bounded FIFO (model-based, every mode)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8, 16),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.option(fc.nat(0xffffffff), { nil: undefined }), { maxLength: 200 }),
        (count, mp, mc, ops) => {
          const r = RkRing.create(phys(), BASE + 64, count, {
            multiProducer: mp,
            multiConsumer: mc,
          });
          const model: number[] = [];
          let drops = 0;
          for (const op of ops) {
            if (op === undefined) expect(r.dequeue()).toBe(model.length ? model.shift()! : null);
            else if (model.length < count) {
              expect(r.enqueue(op)).toBe(0);
              model.push(op);
            } else {
              expect(r.enqueue(op)).toBe(-Errno.ENOBUFS);
              drops++;
            }
            expect(r.count()).toBe(model.length);
          }
          expect(r.drops).toBe(drops);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('lives in guest RAM: a second view attached at the same address sees the same ring', () => {
    const p = phys();
    const a = RkRing.create(p, BASE + 0x100, 8, { multiProducer: true });
    a.enqueue(0x8000_1000);
    a.enqueue(7);
    const b = new RkRing(p, BASE + 0x100);
    expect(b.mp).toBe(true);
    expect(b.size).toBe(8);
    expect(b.dequeue()).toBe(0x8000_1000);
    expect(a.peek()).toBe(7);
    expect(p.view.getUint32(0x100 + 32, true)).toBe(0x8000_1000);
    expect(b.enqueueBurst([1, 2, 3, 4, 5, 6, 7, 8])).toBe(7);
    const out = new Uint32Array(10);
    expect(a.dequeueBurst(out)).toBe(8);
    expect([...out.slice(0, 8)]).toEqual([7, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("an IRQ handler can enqueue into a multi-producer ring between a thread's enqueues", () => {
    const plat = createSimPlat({ memBytes: 1 << 16 });
    const r = RkRing.create(plat.memory.phys, BASE, 64, { multiProducer: true });
    plat.irq.register(9, () => r.enqueue(1000) === 0);
    for (let i = 0; i < 10; i++) {
      r.enqueue(i);
      if (i % 3 === 0) {
        plat.raise(9);
        plat.lcpu.poll();
      }
    }
    const all: number[] = [];
    for (let v = r.dequeue(); v !== null; v = r.dequeue()) all.push(v);
    expect(all).toEqual([0, 1000, 1, 2, 3, 1000, 4, 5, 6, 1000, 7, 8, 9, 1000]);
  });

  it('rejects bad geometry and addresses with precise errors', () => {
    const p = phys();
    expect(() => RkRing.create(p, BASE, 6)).toThrow(/power of two/);
    expect(() => RkRing.create(p, BASE + 4, 8)).toThrow(/aligned/);
    expect(() => RkRing.create(p, BASE + (1 << 16) - 16, 8)).toThrow(/outside guest RAM/);
    expect(() => RkRing.create(p, 0x1000, 8)).toThrow(/outside guest RAM/);
    expect(() => new RkRing(p, BASE + 0x800)).toThrow(/no ring formatted/);
  });
});
