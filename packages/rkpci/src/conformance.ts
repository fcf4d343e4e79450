// The host-bridge conformance kit: `describeRkPciHostBridge('virt ECAM', make)` registers tests any
// host-bridge implementation (config access, windows, INTx routing) runs against itself: what a
// kernel's enumeration relies on, checked register by register.
import { describe, expect, it } from 'vitest';
import type { RkPciHostBridge } from './api';
import { sizeBars } from './bars';
import { PciFunction } from './device';
import { enumerateHostBridge } from './enumerate';
import * as R from './regs';

export interface RkPciHostBridgeKitSubject {
  readonly hb: RkPciHostBridge;
  close?(): void | Promise<void>;
}

export interface RkPciHostBridgeKitOptions {
  /** A host bridge function (class 0x0600) answers at busStart:00.0 (true on QEMU's virt). */
  readonly hostBridgeFunction?: boolean;
  /** At least this many functions are plugged on the root bus (the subject's population). */
  readonly minFunctions?: number;
}

interface Present {
  dev: number;
  fn: number;
  headerType: number;
}

function rootFunctions(hb: RkPciHostBridge): Present[] {
  const out: Present[] = [];
  const b = hb.busStart;
  for (let dev = 0; dev < 32; dev++) {
    if (hb.cfg.read(b, dev, 0, R.PCI_VENDOR_ID, 2) === 0xffff) continue;
    const ht = hb.cfg.read(b, dev, 0, R.PCI_HEADER_TYPE, 1);
    for (let fn = 0; fn < (ht & R.PCI_HEADER_TYPE_MULTIFUNC ? 8 : 1); fn++)
      if (hb.cfg.read(b, dev, fn, R.PCI_VENDOR_ID, 2) !== 0xffff)
        out.push({ dev, fn, headerType: hb.cfg.read(b, dev, fn, R.PCI_HEADER_TYPE, 1) & 0x7f });
  }
  return out;
}

/** Registers the kit's tests for a host bridge made fresh by `make` for each test. */
export function describeRkPciHostBridge(
  name: string,
  make: () => RkPciHostBridgeKitSubject | Promise<RkPciHostBridgeKitSubject>,
  opts: RkPciHostBridgeKitOptions = {},
): void {
  const withHb = (body: (hb: RkPciHostBridge) => void) => async () => {
    const s = await make();
    try {
      body(s.hb);
    } finally {
      await s.close?.();
    }
  };

  describe(`rkpci host bridge conformance: ${name}`, () => {
    it(
      'windows are non-empty, disjoint per space, and the bus range is ordered',
      withHb((hb) => {
        expect(hb.busStart).toBeLessThanOrEqual(hb.busEnd);
        for (const w of hb.windows) expect(w.size).toBeGreaterThan(0);
        for (const a of hb.windows)
          for (const b of hb.windows)
            if (a !== b && (a.space === 'io') === (b.space === 'io'))
              expect(a.pciBase + a.size <= b.pciBase || b.pciBase + b.size <= a.pciBase).toBe(true);
      }),
    );

    if (opts.hostBridgeFunction ?? true)
      it(
        'the host bridge answers at 00.0 with a bridge class code',
        withHb((hb) => {
          expect(hb.cfg.read(hb.busStart, 0, 0, R.PCI_VENDOR_ID, 2)).not.toBe(0xffff);
          expect(hb.cfg.read(hb.busStart, 0, 0, R.PCI_CLASS_REVISION, 4) >>> 16).toBe(
            R.PCI_CLASS_BRIDGE_HOST,
          );
        }),
      );

    it(
      'absent functions read all-ones at every width and ignore writes',
      withHb((hb) => {
        const present = new Set(rootFunctions(hb).map((p) => p.dev));
        const dev = [...Array(32).keys()].reverse().find((d) => !present.has(d));
        expect(dev, 'a free slot on the root bus').toBeDefined();
        const b = hb.busStart;
        hb.cfg.write(b, dev!, 0, R.PCI_COMMAND, 2, 0x7);
        expect([1, 2, 4].map((w) => hb.cfg.read(b, dev!, 0, 0, w as 1 | 2 | 4))).toEqual([
          0xff, 0xffff, 0xffffffff,
        ]);
        expect(hb.cfg.read(b, dev!, 0, R.PCI_COMMAND, 2)).toBe(0xffff);
      }),
    );

    it(
      'every function: identity read-only, a known header type, fn 0 of a multi-function slot flags it',
      withHb((hb) => {
        const fns = rootFunctions(hb);
        expect(fns.length).toBeGreaterThanOrEqual(opts.minFunctions ?? 1);
        for (const p of fns) {
          const id = hb.cfg.read(hb.busStart, p.dev, p.fn, 0, 4);
          const cls = hb.cfg.read(hb.busStart, p.dev, p.fn, R.PCI_CLASS_REVISION, 4);
          hb.cfg.write(hb.busStart, p.dev, p.fn, 0, 4, ~id >>> 0);
          hb.cfg.write(hb.busStart, p.dev, p.fn, R.PCI_CLASS_REVISION, 4, ~cls >>> 0);
          expect(hb.cfg.read(hb.busStart, p.dev, p.fn, 0, 4)).toBe(id);
          expect(hb.cfg.read(hb.busStart, p.dev, p.fn, R.PCI_CLASS_REVISION, 4)).toBe(cls);
          expect([R.PCI_HEADER_TYPE_NORMAL, R.PCI_HEADER_TYPE_BRIDGE]).toContain(p.headerType);
          if (p.fn > 0)
            expect(
              hb.cfg.read(hb.busStart, p.dev, 0, R.PCI_HEADER_TYPE, 1) &
                R.PCI_HEADER_TYPE_MULTIFUNC,
            ).toBeTruthy();
        }
      }),
    );

    it(
      'BAR sizing: all-ones reads back a power-of-two mask with the type bits kept; the value restores',
      withHb((hb) => {
        for (const p of rootFunctions(hb)) {
          const n = p.headerType === 1 ? 2 : 6;
          const before = [...Array(n).keys()].map((i) =>
            hb.cfg.read(hb.busStart, p.dev, p.fn, 0x10 + 4 * i, 4),
          );
          const bars = sizeBars(hb.cfg, hb.busStart, p.dev, p.fn, n);
          for (const b of bars) {
            if (!b) continue;
            expect(Number.isInteger(Math.log2(b.size)), `BAR ${b.index} size ${b.size}`).toBe(true);
            const flags = before[b.index]! & (b.space === 'io' ? 0x3 : 0xf);
            expect(flags & 1).toBe(b.space === 'io' ? 1 : 0);
          }
          const after = [...Array(n).keys()].map((i) =>
            hb.cfg.read(hb.busStart, p.dev, p.fn, 0x10 + 4 * i, 4),
          );
          expect(after).toEqual(before);
        }
      }),
    );

    it(
      'command: I/O, memory and bus-master enables are writable on functions with BARs',
      withHb((hb) => {
        for (const p of rootFunctions(hb)) {
          const bars = sizeBars(
            hb.cfg,
            hb.busStart,
            p.dev,
            p.fn,
            p.headerType === 1 ? 2 : 6,
          ).filter(Boolean);
          if (!bars.length) continue;
          const want =
            (bars.some((b) => b!.space === 'io') ? R.PCI_COMMAND_IO : 0) |
            (bars.some((b) => b!.space !== 'io') ? R.PCI_COMMAND_MEMORY : 0) |
            R.PCI_COMMAND_MASTER;
          const old = hb.cfg.read(hb.busStart, p.dev, p.fn, R.PCI_COMMAND, 2);
          hb.cfg.write(hb.busStart, p.dev, p.fn, R.PCI_COMMAND, 2, want);
          expect(hb.cfg.read(hb.busStart, p.dev, p.fn, R.PCI_COMMAND, 2) & 7).toBe(want);
          hb.cfg.write(hb.busStart, p.dev, p.fn, R.PCI_COMMAND, 2, old);
        }
      }),
    );

    it(
      'capability lists are dword-aligned, above the header, and end',
      withHb((hb) => {
        for (const p of rootFunctions(hb)) {
          const f = new PciFunction(hb, hb.cfg, hb.busStart, p.dev, p.fn);
          const caps = f.capabilities();
          for (const c of caps) {
            expect(c.offset % 4).toBe(0);
            expect(c.offset).toBeGreaterThanOrEqual(0x40);
          }
          const last = caps.at(-1);
          if (last) expect(f.configRead(last.offset + 1, 1) & 0xfc).toBe(0);
        }
      }),
    );

    it(
      'INTx: pins are 0..4 and every pin routes to an interrupt line',
      withHb((hb) => {
        for (const p of rootFunctions(hb)) {
          const pin = hb.cfg.read(hb.busStart, p.dev, p.fn, R.PCI_INTERRUPT_PIN, 1);
          expect(pin).toBeLessThanOrEqual(4);
          if (pin) expect(hb.routeIntx(p.dev, p.fn, pin)).toBeGreaterThan(0);
        }
      }),
    );

    it(
      'after enumeration every BAR reads back its address, inside a window, without overlaps',
      withHb((hb) => {
        const { functions } = enumerateHostBridge(hb);
        const placed = functions.flatMap((f) =>
          f.bars.filter((b) => b && b.pciAddr >= 0).map((b) => ({ f, b: b! })),
        );
        for (const { f, b } of placed) {
          const lo = f.configRead(0x10 + 4 * b.index, 4);
          expect((lo & (b.space === 'io' ? ~3 : ~0xf)) >>> 0).toBe(b.pciAddr >>> 0);
          expect(b.pciAddr % b.size).toBe(0);
          const inWin = hb.windows.some(
            (w) =>
              (w.space === 'io') === (b.space === 'io') &&
              b.pciAddr >= w.pciBase &&
              b.pciAddr + b.size <= w.pciBase + w.size,
          );
          expect(inWin).toBe(true);
        }
        for (const x of placed)
          for (const y of placed)
            if (x !== y && (x.b.space === 'io') === (y.b.space === 'io'))
              expect(
                x.b.pciAddr + x.b.size <= y.b.pciAddr || y.b.pciAddr + y.b.size <= x.b.pciAddr,
              ).toBe(true);
        expect(functions.every((f) => f.error === undefined)).toBe(true);
      }),
    );
  });
}
