// A test-only virtio-pci device for the kernel side before (and besides) the machine's: a PCI function
// in rkpci's fake config space whose BARs forward to the machine's virtio-mmio register file and device
// models — modern (vendor capabilities in a 16 KiB BAR4: common 0x0, ISR 0x1000, device 0x2000, notify
// 0x3000 with multiplier 4, as QEMU lays them out) or legacy (the header in a 64-byte BAR0 I/O).
// BARs decode only while rkpci's bus has enabled them in COMMAND, so binding order is exercised too.
import { RkPciBusImpl } from '@runikraft/rkpci';
import type { RkPlat } from '@runikraft/rkplat';
import type { VirtioDeviceModel } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/model';
import { VirtioMmioTransport } from '../../../platforms/qemu-riscv/src/machine/virtio-mmio/transport';
import {
  FakeConfigSpace,
  type FakeFunction,
  type FakeFunctionSpec,
  fakeHostBridge,
  HOST_BRIDGE,
} from '../../rkpci/test/fake-config';
import { harness } from './harness';

/** The queue size the fake legacy device fixes: not the driver's preferred 256, so tests see it honoured. */
export const LEGACY_QUEUE_SIZE = 128;

const MMIO = {
  DF: 0x10,
  DFSEL: 0x14,
  GF: 0x20,
  GFSEL: 0x24,
  PAGE: 0x28,
  QSEL: 0x30,
  QMAX: 0x34,
  QNUM: 0x38,
  QALIGN: 0x3c,
  QPFN: 0x40,
  QREADY: 0x44,
  NOTIFY: 0x50,
  ISR: 0x60,
  ACK: 0x64,
  STATUS: 0x70,
  DESC: 0x80,
  AVAIL: 0x90,
  USED: 0xa0,
  CONFIG: 0x100,
};

function modernRegs(mt: VirtioMmioTransport) {
  let qsel = 0;
  const qsize = new Map<number, number>();
  const queueMax = (i: number) => {
    mt.write(MMIO.QSEL, 4, i);
    return mt.read(MMIO.QMAX, 4);
  };
  // struct virtio_pci_common_cfg offsets (pci-regs.ts) → the register file's
  const common = new Map<number, [() => number, (v: number) => void]>([
    [0x00, [() => 0, (v) => mt.write(MMIO.DFSEL, 4, v)]],
    [0x04, [() => mt.read(MMIO.DF, 4), () => {}]],
    [0x08, [() => 0, (v) => mt.write(MMIO.GFSEL, 4, v)]],
    [0x0c, [() => 0, (v) => mt.write(MMIO.GF, 4, v)]],
    [0x12, [() => [...Array(8).keys()].filter(queueMax).length, () => {}]],
    [0x14, [() => mt.read(MMIO.STATUS, 4), (v) => mt.write(MMIO.STATUS, 4, v)]],
    [
      0x16,
      [
        () => qsel,
        (v) => {
          qsel = v;
          mt.write(MMIO.QSEL, 4, v);
        },
      ],
    ],
    [
      0x18,
      [
        () => qsize.get(qsel) ?? queueMax(qsel),
        (v) => {
          qsize.set(qsel, v);
          mt.write(MMIO.QNUM, 4, v);
        },
      ],
    ],
    [0x1c, [() => 0, (v) => mt.write(MMIO.QREADY, 4, v)]],
    [0x1e, [() => qsel, () => {}]],
  ]);
  for (const [off, reg] of [
    [0x20, MMIO.DESC],
    [0x28, MMIO.AVAIL],
    [0x30, MMIO.USED],
  ] as const) {
    common.set(off, [() => 0, (v) => mt.write(reg, 4, v)]);
    common.set(off + 4, [() => 0, (v) => mt.write(reg + 4, 4, v)]);
  }
  return {
    read(off: number, w: 1 | 2 | 4): number {
      if (off >= 0x2000 && off < 0x3000) return mt.read(MMIO.CONFIG + off - 0x2000, w);
      if (off === 0x1000) {
        const isr = mt.read(MMIO.ISR, 4);
        mt.write(MMIO.ACK, 4, isr);
        return isr;
      }
      return common.get(off)?.[0]() ?? 0;
    },
    write(off: number, _w: 1 | 2 | 4, v: number): void {
      if (off >= 0x3000) mt.write(MMIO.NOTIFY, 4, v);
      else if (off >= 0x2000) mt.write(MMIO.CONFIG + off - 0x2000, _w, v);
      else common.get(off)?.[1](v);
    },
  };
}

function legacyRegs(mt: VirtioMmioTransport) {
  mt.write(MMIO.PAGE, 4, 4096);
  return {
    read(off: number, w: 1 | 2 | 4): number {
      if (off >= 0x14) return mt.read(MMIO.CONFIG + off - 0x14, w);
      switch (off) {
        case 0x00:
          mt.write(MMIO.DFSEL, 4, 0);
          return mt.read(MMIO.DF, 4);
        case 0x0c:
          return mt.read(MMIO.QMAX, 4) ? LEGACY_QUEUE_SIZE : 0;
        case 0x12:
          return mt.read(MMIO.STATUS, 4);
        case 0x13: {
          const isr = mt.read(MMIO.ISR, 4);
          mt.write(MMIO.ACK, 4, isr);
          return isr;
        }
      }
      return 0;
    },
    write(off: number, _w: 1 | 2 | 4, v: number): void {
      switch (off) {
        case 0x04:
          mt.write(MMIO.GFSEL, 4, 0);
          mt.write(MMIO.GF, 4, v);
          return;
        case 0x08:
          mt.write(MMIO.QNUM, 4, LEGACY_QUEUE_SIZE);
          mt.write(MMIO.QALIGN, 4, 4096);
          mt.write(MMIO.QPFN, 4, v);
          return;
        case 0x0e:
          mt.write(MMIO.QSEL, 4, v);
          return;
        case 0x10:
          mt.write(MMIO.NOTIFY, 4, v);
          return;
        case 0x12:
          mt.write(MMIO.STATUS, 4, v);
          return;
      }
    },
  };
}

export interface FakePciVirtio {
  readonly model: VirtioDeviceModel;
  readonly legacy: boolean;
  /** Slot on the root bus. */
  readonly slot: number;
}

/** Plugs `devices` behind a fake host bridge and returns harness() with a plat that reaches them. */
export function pciHarness(devices: FakePciVirtio[]) {
  const h = harness([], false);
  const spec: Record<number, Record<number, FakeFunctionSpec>> = { 0: { 0: HOST_BRIDGE } };
  function fnSpec(d: FakePciVirtio): FakeFunctionSpec {
    const type = d.model.deviceId;
    return {
      vendor: 0x1af4,
      device: d.legacy ? [0, 0x1000, 0x1001, 0, 0x1005, 0, 0, 0, 0, 0x1009][type]! : 0x1040 + type,
      classCode: type === 1 ? 0x020000 : type === 2 ? 0x010000 : 0xff0000,
      pin: 1,
      bars: d.legacy
        ? [{ size: 0x40, kind: 'io' as const }]
        : [
            undefined,
            undefined,
            undefined,
            undefined,
            { size: 0x4000, kind: 'mem64' as const, prefetch: true },
          ],
      caps: d.legacy ? [] : [0x09, 0x09, 0x09, 0x09],
    };
  }
  for (const d of devices) spec[d.slot] = { 0: fnSpec(d) };
  const cfg = new FakeConfigSpace(spec);
  const pending = new Set<number>();
  const chains = new Map<number, ((irq: number) => boolean)[]>();
  const live: { fn: FakeFunction; legacy: boolean; regs: ReturnType<typeof modernRegs> }[] = [];
  devices.forEach((d) => {
    const fn = cfg.root.get(d.slot)!.get(0)!;
    const dv = new DataView(fn.bytes.buffer);
    dv.setUint16(0x2e, d.model.deviceId, true); // subsystem ID = virtio type (transitional rule)
    if (!d.legacy)
      [1, 3, 4, 2].forEach((type, i) => {
        const at = 0x40 + 0x10 * i; // notify last: its multiplier runs past the 16-byte stride
        fn.bytes[at + 2] = type === 2 ? 20 : 16;
        fn.bytes[at + 3] = type;
        fn.bytes[at + 4] = 4;
        dv.setUint32(at + 8, [0, 0, 0x3000, 0x1000, 0x2000][type]!, true);
        dv.setUint32(at + 12, [0, 0x38, 0x1000, 4, 0x1000][type]!, true);
        if (type === 2) dv.setUint32(at + 16, 4, true);
      });
    const irq = 32 + ((d.slot + 1 - 1) % 4);
    const mt = new VirtioMmioTransport(
      0,
      d.legacy,
      h.plat.memory.phys as never,
      (lvl) => lvl && pending.add(irq),
      () => {},
    );
    mt.plug(d.model);
    live.push({ fn, legacy: d.legacy, regs: d.legacy ? legacyRegs(mt) : modernRegs(mt) });
  });
  const bus = new RkPciBusImpl();
  /** The live BAR a CPU address hits, honouring COMMAND's decode enables. */
  const decode = (addr: number) => {
    for (const l of live) {
      const cmd = l.fn.read(0x04, 2);
      const dev = bus.devices().find((d) => cfg.find(d.bus, d.dev, d.fn) === l.fn);
      const bar = dev?.bars[l.legacy ? 0 : 4];
      if (!bar || bar.cpuAddr < 0 || addr < bar.cpuAddr || addr >= bar.cpuAddr + bar.size) continue;
      if (!(cmd & (l.legacy ? 1 : 2))) return null;
      return { regs: l.regs, off: addr - bar.cpuAddr };
    }
    return null;
  };
  const unclaimed: number[] = [];
  const deliver = () => {
    for (const irq of [...pending]) {
      pending.delete(irq);
      h.irqCount.set(irq, (h.irqCount.get(irq) ?? 0) + 1);
      for (const handler of chains.get(irq) ?? []) handler(irq);
    }
  };
  const halt = async () => {
    deliver();
    await new Promise((r) => setImmediate(r));
    deliver();
  };
  const plat = {
    ...h.plat,
    irq: {
      register: (irq: number, fn: (irq: number) => boolean) => {
        chains.set(irq, [...(chains.get(irq) ?? []), fn]);
        return 0;
      },
      unregister: () => 0,
      count: (irq: number) => h.irqCount.get(irq) ?? 0,
    },
    lcpu: { ...h.plat.lcpu, halt },
    devices: {
      find: () => [],
      all: () => [],
      read(addr: number, w: 1 | 2 | 4) {
        const d = decode(addr);
        if (!d) unclaimed.push(addr);
        return d ? d.regs.read(d.off, w) : 2 ** (8 * w) - 1;
      },
      write(addr: number, w: 1 | 2 | 4, v: number) {
        const d = decode(addr);
        if (d) d.regs.write(d.off, w, v);
        else unclaimed.push(addr);
      },
    },
  } as unknown as RkPlat;
  return {
    ...h,
    plat,
    bus,
    cfg,
    pump: halt,
    unclaimed,
    attach: () => bus.addHostBridge(fakeHostBridge(cfg)),
  };
}
