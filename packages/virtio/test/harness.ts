// Test harness: the kernel-side virtio drivers against the machine's real virtio-mmio transport and
// device models, through a minimal RkPlat (MMIO routing, PLIC-like pending lines, halt = deliver IRQs
// and let host I/O run). The full machine (hart, PLIC, DT) is exercised by machine.test.ts.
import type { RkDevNode, RkPlat } from '@runikraft/rkplat';
import type { VirtioDeviceModel } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/model';
import { VirtioMmioTransport } from '../../../platforms/qemu-riscv/src/machine/virtio-mmio/transport';

export const SLOT_BASE = (s: number) => 0x10001000 + s * 0x1000;

export interface Harness {
  plat: RkPlat;
  transports: VirtioMmioTransport[];
  dma: { memalign(align: number, size: number): number; free(p: number): void };
  registry: Map<string, unknown> & {
    tryGet(k: string): any;
    provide(k: string, v: unknown): void;
    has(k: string): boolean;
  };
  /** Delivers pending interrupts and lets host I/O run once. */
  pump(): Promise<void>;
  log: string[];
  /** Interrupts delivered per PLIC line. */
  irqCount: Map<number, number>;
  /** QueueNotify writes per slot base. */
  notifies: Map<number, number>;
}

/** Plugs `devices` (slot order: first → 7, as QEMU) into transports of the given mode. */
export function harness(devices: VirtioDeviceModel[], legacy: boolean, ramSize = 8 << 20): Harness {
  const buffer = new SharedArrayBuffer(ramSize);
  const ram = {
    buffer,
    base: 0x80000000,
    size: ramSize,
    u8: new Uint8Array(buffer),
    view: new DataView(buffer),
  };
  const pending = new Set<number>();
  const handlers = new Map<number, (irq: number) => boolean>();
  const log: string[] = [];
  const irqCount = new Map<number, number>();
  const notifies = new Map<number, number>();
  const transports: VirtioMmioTransport[] = [];
  for (let s = 0; s < 8; s++)
    transports.push(
      new VirtioMmioTransport(
        s,
        legacy,
        ram,
        (lvl) => lvl && pending.add(s + 1),
        (l) => log.push(l),
      ),
    );
  devices.forEach((d, i) => {
    transports[7 - i].plug(d);
  });
  const deliver = () => {
    for (const irq of [...pending]) {
      pending.delete(irq);
      irqCount.set(irq, (irqCount.get(irq) ?? 0) + 1);
      handlers.get(irq)?.(irq);
    }
  };
  const nodes: RkDevNode[] = [];
  for (let s = 7; s >= 0; s--)
    nodes.push({
      path: `/soc/virtio_mmio@${SLOT_BASE(s).toString(16)}`,
      name: 'virtio_mmio',
      compatible: ['virtio,mmio'],
      reg: [{ addr: SLOT_BASE(s), size: 0x1000 }],
      interrupts: [s + 1],
      prop: () => undefined,
    });
  const route = (addr: number) => transports[Math.floor((addr - 0x10001000) / 0x1000)];
  let bump = ram.base + (1 << 20);
  const t0 = performance.now();
  const plat = {
    name: 'virtio-test',
    memory: { phys: ram, regions: () => [] },
    console: {
      out: (d: string | Uint8Array) => log.push(String(d)) && String(d).length,
      in: () => 0,
      onInput: () => {},
    },
    time: {
      monotonicNs: () => Math.round((performance.now() - t0) * 1e6),
      coarseMonotonicNs: () => Math.round((performance.now() - t0) * 1e6),
      wallClockNs: () => 0n,
      resolutionNs: 100,
      setTimer: () => {},
      cancelTimer: () => {},
    },
    irq: {
      register: (irq: number, h: (irq: number) => boolean) => {
        handlers.set(irq, h);
        return 0;
      },
      unregister: () => 0,
      count: () => 0,
    },
    lcpu: {
      id: () => 0,
      count: () => 1,
      halt: async () => {
        deliver();
        await new Promise((r) => setImmediate(r));
        deliver();
      },
      haltUntil: async () => {},
      irqEnable() {},
      irqDisable() {},
      irqSave: () => 0,
      irqRestore() {},
      irqsDisabled: () => false,
      poll: () => null,
    },
    power: {
      shutdown: () => {
        throw new Error('shutdown');
      },
      restart: () => {
        throw new Error('restart');
      },
      crash: () => {
        throw new Error('crash');
      },
    },
    bootinfo: { cmdline: '', dtbAddr: 0, dtb: new Uint8Array(), initrd: null, bootMode: 'sbi' },
    devices: {
      find: (c: string) => (c === 'virtio,mmio' ? nodes : []),
      all: () => nodes,
      read: (addr: number, w: 1 | 2 | 4) => route(addr).read((addr - 0x10001000) % 0x1000, w),
      write: (addr: number, w: 1 | 2 | 4, v: number) => {
        if ((addr - 0x10001000) % 0x1000 === 0x50)
          notifies.set(addr & ~0xfff, (notifies.get(addr & ~0xfff) ?? 0) + 1);
        route(addr).write((addr - 0x10001000) % 0x1000, w, v);
      },
    },
  } as unknown as RkPlat;
  const dma = {
    memalign(align: number, size: number) {
      bump = Math.ceil(bump / align) * align;
      const p = bump;
      bump += size;
      return bump > ram.base + ram.size ? 0 : p;
    },
    free() {},
  };
  const reg = new Map<string, unknown>() as Harness['registry'];
  reg.tryGet = (k) => reg.get(k);
  reg.provide = (k, v) => {
    if (reg.has(k)) throw new Error(`${k} provided twice`);
    reg.set(k, v);
  };
  return {
    plat,
    transports,
    dma,
    registry: reg,
    log,
    irqCount,
    notifies,
    pump: async () => {
      deliver();
      await new Promise((r) => setImmediate(r));
      deliver();
    },
  };
}
