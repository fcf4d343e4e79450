// The PCIe host bridge on its own: where functions go, QEMU's address and multifunction errors, the INTx
// swizzle onto PLIC 32..35 with the OR of the pins, INTx Disable, and the CPU's view of the windows.
import { describe, expect, it } from 'vitest';
import { counterRng } from '../../src/machine/backends/rng/backend';
import { FAULT } from '../../src/machine/bus';
import { Machine } from '../../src/machine/machine';
import { VirtioRng } from '../../src/machine/virtio/devices/rng';
import { cfgAddr, MMIO } from './sides';

const rng = () => new VirtioRng(counterRng());
const machine = () => new Machine({ console: 'none', memory: 16 << 20, bios: 'none' });

describe('GpexHost placement', () => {
  it('fills slots from 1 and honours addr=, with QEMU errors for taken or impossible addresses', () => {
    const m = machine();
    expect(m.plugVirtioPci(rng()).devfn).toBe(8);
    expect(m.plugVirtioPci(rng(), { slot: 5 }).devfn).toBe(40);
    expect(m.plugVirtioPci(rng()).devfn).toBe(16);
    expect(() => m.plugVirtioPci(rng(), { slot: 5 })).toThrow(
      /PCI: slot 5 function 0 not available for virtio-pci\(4\), in use by virtio-pci\(4\)/,
    );
    expect(() => m.plugVirtioPci(rng(), { slot: 0 })).toThrow(/in use by gpex-root/);
    expect(() => m.plugVirtioPci(rng(), { slot: 32 })).toThrow(/slot 32 is not 0..31/);
    expect(() => m.plugVirtioPci(rng(), { slot: 5, fn: 1 })).toThrow(
      "PCI: single function device can't be populated in function 5.1",
    );
  });

  it('multifunction=on on function 0 lets other functions share the slot; header type says so', () => {
    const m = machine();
    m.plugVirtioPci(rng(), { slot: 4, multifunction: true });
    m.plugVirtioPci(rng(), { slot: 4, fn: 3 });
    const q = m.qtest;
    expect(q.read(BigInt(cfgAddr(4, 0, 0x0e)), 1)).toBe(0x80n);
    expect(q.read(BigInt(cfgAddr(4, 3, 0)), 4)).toBe(0x10051af4n);
    expect(q.read(BigInt(cfgAddr(4, 1, 0)), 4)).toBe(0xffffffffn);
    const m2 = machine();
    m2.plugVirtioPci(rng(), { slot: 6, fn: 2 });
    expect(() => m2.plugVirtioPci(rng(), { slot: 6 })).toThrow(
      /6\.0 indicates single function, but 6\.2 is already populated/,
    );
  });
});

describe('INTx', () => {
  it('swizzles (slot + pin - 1) % 4 onto PLIC 32..35 and ORs the functions sharing a line', () => {
    const m = machine();
    const a = m.plugVirtioPci(rng(), { slot: 3 }); // INTA -> line 3 -> source 35
    const b = m.plugVirtioPci(rng(), { slot: 7 }); // INTA -> line 3 as well
    const c = m.plugVirtioPci(rng(), { slot: 1 }); // INTA -> line 1 -> source 33
    const levels: string[] = [];
    m.board.plicTap = (src, level) => levels.push(`${src}:${level ? 1 : 0}`);
    a.interrupt(0);
    b.interrupt(0);
    c.interrupt(0);
    expect(m.board.plic.isPending(35) && m.board.plic.isPending(33)).toBe(true);
    a.readIsr();
    b.readIsr();
    expect(levels).toEqual(['35:1', '33:1', '35:0']);
  });

  it('INTx Disable withdraws the level and sets it back; the Interrupt Status bit follows the pin', () => {
    const m = machine();
    const f = m.plugVirtioPci(rng(), { slot: 2 });
    const q = m.qtest; // (qtest installs its own PLIC tap: take the port first)
    const levels: string[] = [];
    m.board.plicTap = (src, level) => levels.push(`${src}:${level ? 1 : 0}`);
    f.interrupt(0);
    expect(q.read(BigInt(cfgAddr(2, 0, 6)), 2) & 0x8n).toBe(0x8n);
    q.write(BigInt(cfgAddr(2, 0, 4)), 2, 0x400n);
    q.write(BigInt(cfgAddr(2, 0, 4)), 2, 0n);
    f.readIsr();
    expect(q.read(BigInt(cfgAddr(2, 0, 6)), 2) & 0x8n).toBe(0n);
    expect(levels).toEqual(['34:1', '34:0', '34:1', '34:0']);
  });
});

describe('windows as the CPU sees them', () => {
  it('a mapped BAR answers CPU loads; unmapped window space reads all ones without a fault', () => {
    const m = machine();
    m.plugVirtioPci(rng(), { disableLegacy: true });
    const bus = m.board.bus;
    const q = m.qtest;
    q.write(BigInt(cfgAddr(1, 0, 0x20)), 4, BigInt(MMIO));
    q.write(BigInt(cfgAddr(1, 0, 4)), 2, 2n);
    expect(bus.cpuLoad(MMIO + 0x12, 2, [])).toBe(1); // num_queues
    expect(bus.cpuLoad(MMIO + 0x10000, 4, [])).toBe(0xffffffff);
    expect(bus.cpuStore(MMIO + 0x10000, 4, 1, [])).toBe(true);
    expect(bus.cpuLoad(0x03000000, 1, [])).toBe(0xff);
    // ECAM past the space of a function or on a missing bus: all ones, never a fault
    expect(bus.cpuLoad(cfgAddr(1, 0, 0x100), 4, [])).toBe(0xffffffff);
    expect(bus.cpuLoad(cfgAddr(0, 0, 0, 200), 2, [])).toBe(0xffff);
    expect(bus.cpuLoad(0x2fffffff, 1, [])).toBe(FAULT);
  });
});
