// Enumeration over a fake config space: functions found, BARs sized and placed, bridges numbered and
// windowed, INTx swizzled, and properties over random device populations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RkPciBar } from '../src/api';
import { enumerateHostBridge } from '../src/enumerate';
import {
  FakeConfigSpace,
  type FakeFunctionSpec,
  fakeHostBridge,
  HOST_BRIDGE,
  VIRT_WINDOWS,
  VIRTIO_NET_MODERN,
} from './fake-config';

const LEGACY_BLK: FakeFunctionSpec = {
  vendor: 0x1af4,
  device: 0x1001,
  classCode: 0x010000,
  bars: [
    { size: 0x80, kind: 'io' },
    { size: 0x1000, kind: 'mem32' },
    undefined,
    undefined,
    { size: 0x4000, kind: 'mem64', prefetch: true },
  ],
  pin: 1,
};

const barsOf = (fns: { bars: readonly (RkPciBar | undefined)[] }[]) =>
  fns.flatMap((f) => f.bars.filter((b): b is RkPciBar => b !== undefined));

describe('enumerateHostBridge', () => {
  it('finds the host bridge and devices, places BARs in the windows and routes INTx', () => {
    const cfg = new FakeConfigSpace({
      0: { 0: HOST_BRIDGE },
      1: { 0: VIRTIO_NET_MODERN },
      2: { 0: LEGACY_BLK },
    });
    const { functions, stats } = enumerateHostBridge(fakeHostBridge(cfg));
    expect(
      functions.map((f) => [f.name, f.vendorId, f.deviceId, f.classCode, f.pin, f.irq]),
    ).toEqual([
      ['0000:00:00.0', 0x1b36, 0x0008, 0x060000, 0, -1],
      ['0000:00:01.0', 0x1af4, 0x1041, 0x020000, 1, 33],
      ['0000:00:02.0', 0x1af4, 0x1001, 0x010000, 1, 34],
    ]);
    expect(stats.functions).toBe(3);
    expect(stats.configReads).toBeGreaterThan(0);
    const blk = functions[2]!;
    const io = blk.bars[0]!;
    expect(io).toMatchObject({ space: 'io', size: 0x80 });
    expect(io.pciAddr).toBeGreaterThanOrEqual(0x1000); // PCIBIOS_MIN_IO
    expect(io.cpuAddr).toBe(0x3000000 + io.pciAddr);
    expect(blk.configRead(0x10, 4)).toBe((io.pciAddr | 1) >>> 0);
    const m64 = blk.bars[4]!;
    expect(m64).toMatchObject({ space: 'mem64', prefetchable: true, size: 0x4000 });
    expect(blk.configRead(0x20, 4)).toBe((m64.pciAddr | 0xc) >>> 0);
    expect(blk.configRead(0x24, 4)).toBe(0);
    expect(blk.bars[5]).toBeUndefined();
    expect(blk.configRead(0x3c, 1)).toBe(34); // interrupt line written
    for (const b of barsOf(functions)) {
      expect(b.pciAddr % b.size, `${b.space} ${b.size}`).toBe(0);
      const w = VIRT_WINDOWS.find((x) => x.space === (b.space === 'io' ? 'io' : 'mem32'))!;
      expect(b.pciAddr).toBeGreaterThanOrEqual(w.pciBase);
      expect(b.pciAddr + b.size).toBeLessThanOrEqual(w.pciBase + w.size);
    }
    // decoding stays off until a driver binds
    expect(functions.map((f) => f.configRead(0x04, 2))).toEqual([0, 0, 0]);
  });

  it('scans functions 1..7 only of multi-function devices', () => {
    const cfg = new FakeConfigSpace({
      3: { 0: { ...HOST_BRIDGE, multi: true }, 2: LEGACY_BLK, 7: VIRTIO_NET_MODERN },
      4: { 0: HOST_BRIDGE, 1: LEGACY_BLK },
    });
    const { functions } = enumerateHostBridge(fakeHostBridge(cfg));
    expect(functions.map((f) => f.name)).toEqual([
      '0000:00:03.0',
      '0000:00:03.2',
      '0000:00:03.7',
      '0000:00:04.0',
    ]);
    // function 2 of slot 3, pin A: the map keys on the slot only
    expect(functions[1]!.irq).toBe(32 + ((3 + 0) % 4));
  });

  it('numbers bridges depth-first, windows them around their children, swizzles INTx through them', () => {
    const cfg = new FakeConfigSpace({
      0: { 0: HOST_BRIDGE },
      4: {
        0: {
          vendor: 0x1b36,
          device: 0x000c,
          classCode: 0x060400,
          bridge: {
            0: { 0: { ...LEGACY_BLK, pin: 2 } },
            1: {
              0: {
                vendor: 0x1b36,
                device: 0x000c,
                classCode: 0x060400,
                bridge: { 3: { 0: VIRTIO_NET_MODERN } },
              },
            },
          },
        },
      },
      5: { 0: VIRTIO_NET_MODERN },
    });
    const { functions } = enumerateHostBridge(fakeHostBridge(cfg));
    expect(functions.map((f) => f.name)).toEqual([
      '0000:00:00.0',
      '0000:00:04.0',
      '0000:01:00.0',
      '0000:01:01.0',
      '0000:02:03.0',
      '0000:00:05.0',
    ]);
    const [, br1, blk, br2, net2] = functions;
    expect([br1!.configRead(0x18, 1), br1!.configRead(0x19, 1), br1!.configRead(0x1a, 1)]).toEqual([
      0, 1, 2,
    ]);
    expect([br2!.configRead(0x18, 1), br2!.configRead(0x19, 1), br2!.configRead(0x1a, 1)]).toEqual([
      1, 2, 2,
    ]);
    // blk: slot 0 pin B below slot 4 -> pin ((2-1+0)%4)+1 = B at slot 4 -> 32 + (4+2-1)%4
    expect(blk!.irq).toBe(33);
    // net2: slot 3 pin A below slot 1 (pin D) below slot 4 (pin ((4-1+1)%4)+1 = A) -> 32 + (4+1-1)%4
    expect(net2!.irq).toBe(32);
    const memBase = (br1!.configRead(0x20, 2) & 0xfff0) * 0x10000;
    const memLimit = (br1!.configRead(0x22, 2) & 0xfff0) * 0x10000 + 0xfffff;
    const ioBase = (br1!.configRead(0x1c, 1) & 0xf0) << 8;
    const ioLimit = ((br1!.configRead(0x1d, 1) & 0xf0) << 8) | 0xfff;
    for (const b of barsOf([blk!, br2!, net2!])) {
      const [lo, hi] = b.space === 'io' ? [ioBase, ioLimit] : [memBase, memLimit];
      expect(b.pciAddr).toBeGreaterThanOrEqual(lo);
      expect(b.pciAddr + b.size - 1).toBeLessThanOrEqual(hi);
    }
    expect(br1!.configRead(0x04, 2) & 7).toBe(7); // bridges forward once windowed
    // config cycles reach the devices below through the programmed bus numbers
    expect(cfg.read(2, 3, 0, 0, 2)).toBe(0x1af4);
  });

  it('a BAR that fits no window marks only its function; 64-bit BARs spill above 4 GiB', () => {
    const small = [
      VIRT_WINDOWS[0]!,
      {
        space: 'mem32' as const,
        prefetchable: false,
        pciBase: 0x40000000,
        cpuBase: 0x40000000,
        size: 0x8000,
      },
      VIRT_WINDOWS[2]!,
    ];
    const cfg = new FakeConfigSpace({
      1: {
        0: { vendor: 1, device: 1, classCode: 0xff0000, bars: [{ size: 0x100000, kind: 'mem32' }] },
      },
      2: { 0: VIRTIO_NET_MODERN },
      3: { 0: VIRTIO_NET_MODERN },
    });
    const { functions } = enumerateHostBridge(fakeHostBridge(cfg, small));
    expect(functions[0]!.error).toBe("BAR 0 (1048576 bytes, mem32): no room in fake's mem windows");
    expect(functions[0]!.bars[0]!.pciAddr).toBe(-1);
    const [, a, b] = functions;
    expect([a!.error, b!.error]).toEqual([undefined, undefined]);
    // the 4 KiB 32-bit BARs go first; one 16 KiB 64-bit BAR still fits below 4 GiB, the other spills
    expect([
      a!.bars[1]!.pciAddr,
      b!.bars[1]!.pciAddr,
      a!.bars[4]!.pciAddr,
      b!.bars[4]!.pciAddr,
    ]).toEqual([0x40000000, 0x40001000, 0x40004000, 0x400000000]);
    expect(b!.configRead(0x24, 4)).toBe(4);
  });

  it('random populations: every placed BAR is aligned, inside a window, and overlaps no other', () => {
    const barArb = fc.option(
      fc
        .record({
          size: fc.integer({ min: 4, max: 24 }).map((s) => 2 ** s),
          kind: fc.constantFrom('io' as const, 'mem32' as const, 'mem64' as const),
        })
        .map((b) => (b.kind === 'io' ? { ...b, size: Math.min(b.size, 256) } : b)),
      { nil: undefined },
    );
    const fnArb = fc.record({
      vendor: fc.constant(0x1234),
      device: fc.integer({ min: 0, max: 0xfffe }),
      classCode: fc.constant(0xff0000),
      bars: fc.array(barArb, { maxLength: 6 }),
      pin: fc.integer({ min: 0, max: 6 }),
    });
    fc.assert(
      fc.property(
        fc.dictionary(fc.integer({ min: 0, max: 31 }).map(String), fnArb, { maxKeys: 12 }),
        (slots) => {
          const spec: Record<number, Record<number, FakeFunctionSpec>> = {};
          for (const [d, f] of Object.entries(slots)) {
            // a 64-bit BAR occupies two slots: drop whatever claims the slot after it
            const bars = [...f.bars];
            for (let i = 0; i < bars.length; i++)
              if (bars[i]?.kind === 'mem64') bars[i + 1] = undefined;
            if (bars[5]?.kind === 'mem64') bars[5] = undefined;
            spec[Number(d)] = { 0: { ...f, bars: bars.slice(0, 6) } };
          }
          const { functions } = enumerateHostBridge(fakeHostBridge(new FakeConfigSpace(spec)));
          const placed = barsOf(functions).filter((b) => b.pciAddr >= 0);
          for (const b of placed) {
            expect(b.pciAddr % b.size).toBe(0);
            const w = VIRT_WINDOWS.find(
              (x) =>
                (b.space === 'io' ? x.space === 'io' : x.space !== 'io') &&
                b.pciAddr >= x.pciBase &&
                b.pciAddr + b.size <= x.pciBase + x.size,
            );
            expect(w).toBeDefined();
          }
          const sorted = placed
            .map((b) => [b.space === 'io' ? 0 : 1, b.pciAddr, b.size] as const)
            .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          for (let i = 1; i < sorted.length; i++)
            if (sorted[i]![0] === sorted[i - 1]![0])
              expect(sorted[i]![1]).toBeGreaterThanOrEqual(sorted[i - 1]![1] + sorted[i - 1]![2]);
          for (const f of functions)
            expect(f.irq).toBe(f.pin ? 32 + ((f.dev + f.pin - 1) % 4) : -1);
        },
      ),
      { numRuns: 200, seed: 14 },
    );
  });
});
