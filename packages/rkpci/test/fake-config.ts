// A small model of PCI configuration space for unit tests: type 0 functions with BARs, a capability
// chain and an INTx pin, and type 1 bridges that forward config cycles to the bus range programmed
// into them — enough to test enumeration without a machine. Not a reference: the conformance kit runs
// against it and against the machine's host bridge alike.
import type { RkPciConfigAccess, RkPciHostBridge, RkPciWindow } from '../src/api';

export interface FakeBar {
  readonly size: number;
  readonly kind: 'io' | 'mem32' | 'mem64';
  readonly prefetch?: boolean;
}

export interface FakeFunctionSpec {
  readonly vendor: number;
  readonly device: number;
  readonly classCode: number;
  readonly bars?: readonly (FakeBar | undefined)[];
  readonly pin?: number;
  /** Capability ids, chained from 0x40 in steps of 0x10. */
  readonly caps?: readonly number[];
  readonly multi?: boolean;
  /** A bridge: the devices on its secondary bus, by device number then function. */
  readonly bridge?: Record<number, Record<number, FakeFunctionSpec>>;
}

export class FakeFunction {
  readonly bytes = new Uint8Array(4096);
  readonly writable = new Uint8Array(4096);
  readonly bars: (FakeBar | undefined)[];
  readonly children: Map<number, Map<number, FakeFunction>> | null;
  writes = 0;

  constructor(readonly spec: FakeFunctionSpec) {
    const dv = new DataView(this.bytes.buffer);
    dv.setUint16(0, spec.vendor, true);
    dv.setUint16(2, spec.device, true);
    dv.setUint32(8, (spec.classCode << 8) | 1, true);
    this.bytes[0x0e] = (spec.bridge ? 1 : 0) | (spec.multi ? 0x80 : 0);
    this.writable.fill(0xff, 0x04, 0x06); // command
    this.writable[0x3c] = 0xff; // interrupt line
    this.bytes[0x3d] = spec.pin ?? 0;
    this.bars = [...(spec.bars ?? [])];
    if (spec.bridge) this.writable.fill(0xff, 0x18, 0x34);
    const caps = spec.caps ?? [];
    if (caps.length) {
      this.bytes[0x06] = 0x10;
      this.bytes[0x34] = 0x40;
      caps.forEach((id, i) => {
        this.bytes[0x40 + 0x10 * i] = id;
        this.bytes[0x41 + 0x10 * i] = i + 1 < caps.length ? 0x50 + 0x10 * i : 0;
      });
    }
    this.children = spec.bridge
      ? new Map(
          Object.entries(spec.bridge).map(([d, fns]) => [
            Number(d),
            new Map(Object.entries(fns).map(([f, s]) => [Number(f), new FakeFunction(s)])),
          ]),
        )
      : null;
    this.bars.forEach((b, i) => {
      if (!b) return;
      const flags = b.kind === 'io' ? 1 : (b.kind === 'mem64' ? 4 : 0) | (b.prefetch ? 8 : 0);
      dv.setUint32(0x10 + 4 * i, flags, true);
    });
  }

  private barOf(off: number): { i: number; upper: boolean } | null {
    if (off < 0x10 || off >= 0x10 + 4 * (this.spec.bridge ? 2 : 6)) return null;
    const i = (off - 0x10) >> 2;
    if (this.bars[i]) return { i, upper: false };
    if (i > 0 && this.bars[i - 1]?.kind === 'mem64') return { i: i - 1, upper: true };
    return { i, upper: false };
  }

  read(off: number, width: number): number {
    let v = 0;
    for (let k = width - 1; k >= 0; k--) v = v * 256 + this.bytes[off + k]!;
    return v;
  }

  write(off: number, width: number, value: number): void {
    this.writes++;
    const bar = this.barOf(off & ~3);
    if (bar) {
      const b = this.bars[bar.i];
      if (!b || width !== 4) return;
      const dv = new DataView(this.bytes.buffer);
      if (bar.upper)
        dv.setUint32(off, b.size > 0xffffffff ? value & ~(b.size / 2 ** 32 - 1) : value, true);
      else {
        const flags = dv.getUint32(off, true) & (b.kind === 'io' ? 0x3 : 0xf);
        const mask =
          b.size > 0xffffffff ? 0 : ~(b.size - 1) & (b.kind === 'io' ? 0xfffffffc : 0xfffffff0);
        dv.setUint32(off, ((value & mask) | flags) >>> 0, true);
      }
      return;
    }
    for (let k = 0; k < width; k++) {
      const m = this.writable[off + k]!;
      const byte = Math.floor(value / 256 ** k) & 0xff;
      this.bytes[off + k] = (this.bytes[off + k]! & ~m) | (byte & m);
    }
  }
}

/** Config space of a fake root bus 0 (a bus number map of slots), with bridges routing by bus range. */
export class FakeConfigSpace implements RkPciConfigAccess {
  readonly root: Map<number, Map<number, FakeFunction>>;
  reads = 0;

  constructor(slots: Record<number, Record<number, FakeFunctionSpec>>) {
    this.root = new Map(
      Object.entries(slots).map(([d, fns]) => [
        Number(d),
        new Map(Object.entries(fns).map(([f, s]) => [Number(f), new FakeFunction(s)])),
      ]),
    );
  }

  /** The function at bus/dev/fn as the bridges' current bus numbers route it, if any. */
  find(bus: number, dev: number, fn: number): FakeFunction | undefined {
    let slots = this.root;
    let at = 0;
    for (let depth = 0; depth < 8 && at !== bus; depth++) {
      let next: FakeFunction | undefined;
      for (const fns of slots.values())
        for (const f of fns.values()) {
          if (!f.children) continue;
          const sec = f.bytes[0x19]!;
          const sub = f.bytes[0x1a]!;
          if (sec !== 0 && bus >= sec && bus <= sub) next = f;
        }
      if (!next) return undefined;
      slots = next.children!;
      at = next.bytes[0x19]!;
    }
    if (at !== bus) return undefined;
    const f = slots.get(dev)?.get(fn);
    if (f && fn > 0 && !slots.get(dev)?.get(0)?.spec.multi) return undefined;
    return f;
  }

  read(bus: number, dev: number, fn: number, off: number, width: 1 | 2 | 4): number {
    this.reads++;
    const f = this.find(bus, dev, fn);
    return f ? f.read(off, width) : [0, 0xff, 0xffff, 0, 0xffffffff][width]!;
  }

  write(bus: number, dev: number, fn: number, off: number, width: 1 | 2 | 4, value: number): void {
    this.find(bus, dev, fn)?.write(off, width, value);
  }
}

/** QEMU virt's windows (REFERENCE §1): PIO at 0x0300_0000, MMIO 0x4000_0000 (1 GiB), high at 16 GiB. */
export const VIRT_WINDOWS: RkPciWindow[] = [
  { space: 'io', prefetchable: false, pciBase: 0, cpuBase: 0x3000000, size: 0x10000 },
  {
    space: 'mem32',
    prefetchable: false,
    pciBase: 0x40000000,
    cpuBase: 0x40000000,
    size: 0x40000000,
  },
  {
    space: 'mem64',
    prefetchable: false,
    pciBase: 0x400000000,
    cpuBase: 0x400000000,
    size: 0x400000000,
  },
];

/** QEMU's swizzle: INTx `pin` of slot `dev` raises PLIC 32 + (dev + pin - 1) % 4. */
export const virtSwizzle = (dev: number, _fn: number, pin: number) =>
  pin >= 1 && pin <= 4 ? 32 + ((dev + pin - 1) % 4) : -1;

/** A host bridge over a fake config space with virt's windows and swizzle. */
export function fakeHostBridge(
  cfg: FakeConfigSpace,
  windows: RkPciWindow[] = VIRT_WINDOWS,
): RkPciHostBridge {
  return {
    name: 'fake',
    domain: 0,
    busStart: 0,
    busEnd: 255,
    windows,
    cfg,
    routeIntx: virtSwizzle,
  };
}

export const HOST_BRIDGE: FakeFunctionSpec = {
  vendor: 0x1b36,
  device: 0x0008,
  classCode: 0x060000,
};
export const VIRTIO_NET_MODERN: FakeFunctionSpec = {
  vendor: 0x1af4,
  device: 0x1041,
  classCode: 0x020000,
  bars: [
    undefined,
    { size: 0x1000, kind: 'mem32' },
    undefined,
    undefined,
    { size: 0x4000, kind: 'mem64', prefetch: true },
  ],
  pin: 1,
  caps: [0x11, 0x09, 0x09, 0x09, 0x09, 0x09],
};
