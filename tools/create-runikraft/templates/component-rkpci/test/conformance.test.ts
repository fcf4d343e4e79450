// rkpci's host-bridge conformance kit against this bridge, built on the machine model of
// @runikraft/plat-qemu-riscv (QEMU's virt: a gpex controller) with virtio-pci functions plugged and
// driven host side, as QEMU's qtest does; then rkpci enumerating through it.
import { Fdt } from '@runikraft/fdt';
import { counterRng, Machine, VirtioRng } from '@runikraft/plat-qemu-riscv/machine';
import { describeRkPciHostBridge } from '@runikraft/rkpci/conformance';
import { RkPciBusImpl } from '@runikraft/rkpci/driver';
import { describe, expect, it } from 'vitest';
import { type ConfigAccess, hostBridgeFromNode, type Mmio } from '../src/index';

/** Loads and stores on the machine's physical bus, without a hart. */
function hostSide(m: Machine): Mmio {
  return {
    read(addr, width) {
      const b = m.board.bus.debugRead(addr, width);
      let v = 0;
      for (let k = width - 1; k >= 0; k--) v = v * 256 + b[k]!;
      return v;
    },
    write(addr, width, value) {
      m.board.bus.debugWrite(
        addr,
        Uint8Array.from({ length: width }, (_, k) => (value >>> (8 * k)) & 0xff),
      );
    },
  };
}

/** The machine with a transitional and a modern-only virtio-rng, and this bridge on its controller. */
function onMachine() {
  const m = new Machine({ memory: 16 << 20, console: () => {} });
  m.plugVirtioPci(new VirtioRng(counterRng()));
  m.plugVirtioPci(new VirtioRng(counterRng()), { disableLegacy: true });
  const fdt = Fdt.open(m.dtb());
  const node = fdt.findByCompatible('pci-host-ecam-generic')[0]!;
  return { hb: hostBridgeFromNode(fdt, node, hostSide(m), 0) };
}

describeRkPciHostBridge('__LIB__ on the machine model', onMachine, { minFunctions: 3 });

describe('__LIB__ under rkpci', () => {
  it('enumerates the functions, places their BARs in its windows and routes INTx', () => {
    const { hb } = onMachine();
    const bus = new RkPciBusImpl();
    const fns = bus.addHostBridge(hb);
    expect(fns.map((f) => [f.name, f.vendorId, f.deviceId, f.irq, f.error])).toEqual([
      ['0000:00:00.0', 0x1b36, 0x0008, -1, undefined],
      ['0000:00:01.0', 0x1af4, 0x1005, 33, undefined],
      ['0000:00:02.0', 0x1af4, 0x1044, 34, undefined],
    ]);
    for (const f of fns)
      for (const b of f.bars)
        if (b) {
          const w = hb.windows.find((x) => (x.space === 'io') === (b.space === 'io'));
          expect(b.pciAddr % b.size).toBe(0);
          expect(b.pciAddr >= w!.pciBase && b.pciAddr + b.size <= w!.pciBase + w!.size).toBe(true);
        }
    // every config cycle of the scan went through this bridge's accessor
    const cfg = hb.cfg as ConfigAccess;
    expect([cfg.reads, cfg.writes]).toEqual([
      bus.stats()[0]!.configReads,
      bus.stats()[0]!.configWrites,
    ]);
    expect(cfg.writes).toBeGreaterThan(0);
  });

  it('accesses outside the region or misaligned read all-ones and are dropped', () => {
    const { hb } = onMachine();
    expect(hb.cfg.read(hb.busEnd + 1, 0, 0, 0, 4)).toBe(0xffffffff);
    expect(hb.cfg.read(0, 0, 0, 2, 4)).toBe(0xffffffff);
    expect(hb.cfg.read(0, 32, 0, 0, 2)).toBe(0xffff);
    expect(hb.cfg.read(0, 0, 0, 4096, 1)).toBe(0xff);
    expect(hb.cfg.read(0, 0, 0, 0, 2)).toBe(0x1b36);
  });
});
