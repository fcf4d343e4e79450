// Random guest register traffic on the virtio-mmio slots holding our device models (through qtest):
// random offsets, values and queue addresses, notifies and resets. The host never throws and every
// device either works or reports "driver bug" — never corrupts memory outside the rings it was given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../src/machine/backends/blk/memory';
import { NetHub } from '../../src/machine/backends/net/hub';
import { counterRng } from '../../src/machine/backends/rng/backend';
import { Machine } from '../../src/machine/machine';
import { VirtioBlk } from '../../src/machine/virtio/devices/blk';
import { VirtioNet } from '../../src/machine/virtio/devices/net';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';

const REGS = [
  0x14, 0x20, 0x24, 0x28, 0x30, 0x38, 0x3c, 0x40, 0x44, 0x50, 0x64, 0x70, 0x80, 0x84, 0x90, 0x94,
  0xa0, 0xa4, 0x100, 0x120,
];

describe('virtio-mmio register fuzz with our device models', () => {
  for (const legacy of [true, false]) {
    it(`${legacy ? 'legacy' : 'modern'}: random register writes and ring contents never throw`, () => {
      const op = fc.record({
        slot: fc.constantFrom(5, 6, 7),
        reg: fc.constantFrom(...REGS),
        value: fc.oneof(
          fc.integer({ min: 0, max: 0xffffffff }),
          fc.integer({ min: 0, max: 16 }),
          fc.constantFrom(0x80100, 0x80100000, 0x80101000, 0x80102000, 0xb, 0xf, 7, 1, 0),
        ),
      });
      fc.assert(
        fc.property(
          fc.array(op, { minLength: 1, maxLength: 80 }),
          fc.uint8Array({ minLength: 4096, maxLength: 4096 }),
          (ops, junk) => {
            const hub = new NetHub();
            hub.port('peer').attach({ receive: () => true });
            const traces: string[] = [];
            const m = new Machine({
              console: 'none',
              memory: 16 << 20,
              virtioForceLegacy: legacy,
              trace: (l) => traces.push(l),
            });
            m.plugVirtio(new VirtioBlk(new MemoryBlockBackend('d', 1 << 20)));
            m.plugVirtio(new VirtioNet(hub.port('nic')));
            m.plugVirtio(new VirtioRng(counterRng()));
            const q = m.qtest;
            // random bytes where the rings are most likely to land
            for (const base of [0x80100000, 0x80101000, 0x80102000])
              q.writeBytes(BigInt(base), junk);
            const guard = q.readBytes(0x80000000n, 4096);
            for (const o of ops)
              q.write(BigInt(0x10001000 + o.slot * 0x1000 + o.reg), 4, BigInt(o.value >>> 0));
            for (const s of [5, 6, 7])
              for (let i = 0; i < 3; i++)
                q.write(BigInt(0x10001000 + s * 0x1000 + 0x50), 4, BigInt(i));
            expect(q.readBytes(0x80000000n, 4096)).toEqual(guard);
            for (const t of traces.filter((l) => /bug/.test(l))) expect(t).toMatch(/driver bug: /);
          },
        ),
        { numRuns: 100, seed: 21 },
      );
    }, 60_000);
  }
});
