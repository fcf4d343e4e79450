// rkpci against the machine's own host bridge (platforms/qemu-riscv: gpex ECAM, windows, INTx map),
// host side as qtest drives it: the conformance kit, then a full enumeration of virtio-pci functions in
// the three modes QEMU offers (transitional, disable-modern=on, disable-legacy=on).
import { Fdt } from '@runikraft/fdt';
import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../../platforms/qemu-riscv/src/machine/backends/blk/memory';
import { NetHub } from '../../../platforms/qemu-riscv/src/machine/backends/net/hub';
import { counterRng } from '../../../platforms/qemu-riscv/src/machine/backends/rng/backend';
import { Machine } from '../../../platforms/qemu-riscv/src/machine/machine';
import { VirtioBlk } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/blk';
import { VirtioNet } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/net';
import { VirtioRng } from '../../../platforms/qemu-riscv/src/machine/virtio/devices/rng';
import { RkPciBusImpl } from '../src/bus';
import { describeRkPciHostBridge } from '../src/conformance';
import { hostBridgesFromDt } from '../src/host-bridge';

/** MMIO loads/stores as qtest's readl/writel: the machine's bus, no hart. */
function hostSide(m: Machine) {
  return {
    read(addr: number, w: 1 | 2 | 4): number {
      const b = m.board.bus.debugRead(addr, w);
      let v = 0;
      for (let k = w - 1; k >= 0; k--) v = v * 256 + b[k]!;
      return v;
    },
    write(addr: number, w: 1 | 2 | 4, v: number): void {
      m.board.bus.debugWrite(
        addr,
        Uint8Array.from({ length: w }, (_, k) => (v >>> (8 * k)) & 0xff),
      );
    },
  };
}

function machineWithPci() {
  const m = new Machine({ memory: 16 << 20, console: () => {} });
  m.plugVirtioPci(new VirtioNet(new NetHub().port('n')));
  m.plugVirtioPci(new VirtioBlk(new MemoryBlockBackend('d', 1 << 20)), { disableModern: true });
  m.plugVirtioPci(new VirtioRng(counterRng()), { disableLegacy: true });
  const { bridges, errors } = hostBridgesFromDt(Fdt.open(m.dtb()), hostSide(m));
  expect(errors).toEqual([]);
  return { m, hb: bridges[0]! };
}

describeRkPciHostBridge('the machine (gpex ECAM, 3 virtio-pci functions)', () => machineWithPci(), {
  minFunctions: 4,
});

describe('rkpci on the machine', () => {
  it('enumerates the host bridge and the virtio functions, places every BAR, routes INTx', () => {
    const { hb } = machineWithPci();
    const bus = new RkPciBusImpl();
    const fns = bus.addHostBridge(hb);
    expect(fns.map((f) => [f.name, f.vendorId, f.deviceId, f.classCode, f.irq, f.error])).toEqual([
      ['0000:00:00.0', 0x1b36, 0x0008, 0x060000, -1, undefined],
      ['0000:00:01.0', 0x1af4, 0x1000, 0x020000, 33, undefined],
      ['0000:00:02.0', 0x1af4, 0x1001, 0x010000, 34, undefined],
      ['0000:00:03.0', 0x1af4, 0x1044, 0x00ff00, 35, undefined],
    ]);
    const layout = fns.map((f) => f.bars.map((b) => (b ? `${b.space}:${b.size}` : '-')).join(' '));
    expect(layout).toEqual([
      '- - - - - -',
      'io:32 mem32:4096 - - mem64:16384 -',
      'io:128 mem32:4096 - - - -',
      '- mem32:4096 - - mem64:16384 -',
    ]);
    for (const f of fns)
      for (const b of f.bars)
        if (b) {
          expect(b.pciAddr % b.size).toBe(0);
          expect(b.cpuAddr).toBe(b.space === 'io' ? 0x3000000 + b.pciAddr : b.pciAddr);
        }
    expect(bus.stats()[0]!.functions).toBe(4);
  });
});
