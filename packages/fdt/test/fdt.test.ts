import { describe, expect, it } from 'vitest';
import { Fdt } from '../src/index';
import { assemble, fixture, fixtures } from './helpers';

describe('Fdt over the real QEMU 7.2 virt blobs', () => {
  it('opens every reference blob and sees QEMU layout (v17/16, rsvmap at 0x28, struct at 0x38)', () => {
    for (const [name, b] of fixtures()) {
      const fdt = Fdt.open(b);
      expect(fdt.header, name).toMatchObject({
        version: 17,
        lastCompVersion: 16,
        offMemRsvmap: 0x28,
        offDtStruct: 0x38,
        bootCpuidPhys: 0,
      });
      expect(fdt.header.offDtStrings).toBe(0x38 + fdt.header.sizeDtStruct);
      expect(fdt.header.totalsize).toBe(b.length);
      expect(fdt.memReserve).toEqual([]);
      expect(fdt.root.path).toBe('/');
    }
  });

  it('walks nodes with names, unit addresses, parents and children', () => {
    const fdt = Fdt.open(fixture('virt-default.dtb'));
    expect(fdt.root.children.map((c) => c.name)).toEqual([
      'pmu',
      'fw-cfg@10100000',
      'flash@20000000',
      'chosen',
      'poweroff',
      'reboot',
      'platform-bus@4000000',
      'memory@80000000',
      'cpus',
      'soc',
    ]);
    const uart = fdt.pathOffset('/soc/serial@10000000')!;
    expect(uart.nodeName).toBe('serial');
    expect(uart.unitAddress).toBe('10000000');
    expect(uart.parent!.path).toBe('/soc');
    expect(uart.depth).toBe(2);
    expect(fdt.root.unitAddress).toBeUndefined();
    expect(fdt.nodeCount).toBe(fdt.nodes().length);
    expect(fdt.nodes()[0]).toBe(fdt.root);
  });

  it('pathOffset: full names, names without unit address, missing nodes, getNode errors', () => {
    const fdt = Fdt.open(fixture('virt-default.dtb'));
    expect(fdt.pathOffset('/soc/serial')!.name).toBe('serial@10000000');
    expect(fdt.pathOffset('/cpus/cpu@0/interrupt-controller')!.path).toBe(
      '/cpus/cpu@0/interrupt-controller',
    );
    expect(fdt.pathOffset('/')).toBe(fdt.root);
    expect(fdt.pathOffset('/soc/nothing')).toBeUndefined();
    expect(fdt.pathOffset('/soc/serial@10000001')).toBeUndefined();
    expect(fdt.pathOffset('noalias')).toBeUndefined();
    expect(() => fdt.getNode('/nope')).toThrow('fdt: /nope: no such node');
  });

  it('typed property getters', () => {
    const fdt = Fdt.open(fixture('virt-default.dtb'));
    const uart = fdt.getNode('/soc/serial@10000000');
    expect(fdt.getPropU32(uart, 'clock-frequency')).toBe(3686400);
    expect(fdt.getPropString(uart, 'compatible')).toBe('ns16550a');
    expect(fdt.getPropStringList(fdt.getNode('/soc/test@100000'), 'compatible')).toEqual([
      'sifive,test1',
      'sifive,test0',
      'syscon',
    ]);
    expect(fdt.getPropCells(uart, 'reg')).toEqual([0, 0x10000000, 0, 0x100]);
    expect(() => fdt.getPropU64(fdt.getNode('/fw-cfg@10100000'), 'reg')).toThrow(
      /expected 8 bytes \(two cells\), found 16/,
    );
    expect(fdt.getPropU64(uart, 'nope')).toBeUndefined();
    expect(fdt.getProp(fdt.getNode('/soc/pci@30000000'), 'dma-coherent')).toEqual(
      new Uint8Array(0),
    );
    expect(fdt.getProp(uart, 'missing')).toBeUndefined();
    const v = fdt.getProp(uart, 'reg')!;
    expect(v.buffer).toBe(fdt.bytes.buffer); // zero-copy
    expect(() => fdt.getPropU32(uart, 'reg')).toThrow(
      /serial@10000000:reg at 0x[0-9a-f]+: expected 4 bytes \(one cell\), found 16/,
    );
    expect(() => fdt.getPropString(fdt.getNode('/soc/test@100000'), 'compatible')).toThrow(
      /expected one string, found 3/,
    );
  });

  it('phandles, findByCompatible, #cells and reg decoding', () => {
    const fdt = Fdt.open(fixture('virt-m512-smp4.dtb'));
    expect(fdt.nodeByPhandle(1)!.path).toBe('/cpus/cpu@3');
    expect(fdt.nodeByPhandle(7)!.path).toBe('/cpus/cpu@0');
    expect(fdt.nodeByPhandle(9)!.path).toBe('/soc/plic@c000000');
    expect(fdt.nodeByPhandle(99)).toBeUndefined();
    expect(fdt.phandleOf(fdt.getNode('/soc/test@100000'))).toBe(10);
    expect(fdt.findByCompatible('virtio,mmio').map((n) => n.unitAddress)).toEqual([
      '10008000',
      '10007000',
      '10006000',
      '10005000',
      '10004000',
      '10003000',
      '10002000',
      '10001000',
    ]);
    expect(fdt.findByCompatible('riscv').length).toBe(4);
    expect(fdt.addressCells(fdt.getNode('/cpus'))).toBe(1);
    expect(fdt.sizeCells(fdt.getNode('/cpus'))).toBe(0);
    expect(fdt.reg(fdt.getNode('/cpus/cpu@2'))).toEqual([{ address: 2, size: 0 }]);
    expect(fdt.reg(fdt.getNode('/flash@20000000'))).toEqual([
      { address: 0x20000000, size: 0x2000000 },
      { address: 0x22000000, size: 0x2000000 },
    ]);
    expect(fdt.regBig(fdt.getNode('/memory@80000000'))).toEqual([
      { address: 0x80000000n, size: 0x20000000n },
    ]);
    expect(fdt.reg(fdt.getNode('/soc'))).toEqual([]);
  });

  it('interrupts, interrupt-parent inheritance, interrupts-extended and interrupt-map', () => {
    const fdt = Fdt.open(fixture('virt-aclint-smp2.dtb'));
    const uart = fdt.getNode('/soc/serial@10000000');
    expect(fdt.interruptParent(uart)!.path).toBe('/soc/plic@c000000');
    expect(fdt.interrupts(uart)).toEqual([
      { parent: fdt.getNode('/soc/plic@c000000'), cells: [10] },
    ]);
    const mtimer = fdt
      .interrupts(fdt.getNode('/soc/mtimer@2004000'))
      .map((i) => [i.parent.path, i.cells]);
    expect(mtimer).toEqual([
      ['/cpus/cpu@0/interrupt-controller', [7]],
      ['/cpus/cpu@1/interrupt-controller', [7]],
    ]);
    expect(fdt.interrupts(fdt.root)).toEqual([]);
    const map = fdt.interruptMap(fdt.getNode('/soc/pci@30000000'));
    expect(map.length).toBe(16);
    expect(map[5]).toMatchObject({
      childAddress: [0x800, 0, 0],
      childSpecifier: [2],
      parentAddress: [],
      parentSpecifier: [0x22],
    });
    expect(map[5].parent.path).toBe('/soc/plic@c000000');
  });

  it('/memory, /chosen (bootargs, stdout-path, initrd, rng-seed), /reserved-memory', () => {
    const fdt = Fdt.open(fixture('virt-kernel-append-initrd.dtb'));
    expect(fdt.memory().map(({ address, size, node }) => [address, size, node.path])).toEqual([
      [0x80000000, 0x8000000, '/memory@80000000'],
    ]);
    const c = fdt.chosen();
    expect(c).toMatchObject({
      bootargs: 'console=ttyS0 foo=bar',
      stdoutPath: '/soc/serial@10000000',
      initrdStart: 0x84000000,
      initrdEnd: 0x84001000,
    });
    expect(c.stdout!.path).toBe('/soc/serial@10000000');
    expect(c.rngSeed!.length).toBe(32);
    expect(Fdt.open(fixture('virt-default.dtb')).chosen().bootargs).toBeUndefined();
    expect(fdt.reservedMemory()).toEqual([]);
    expect(Fdt.open(fixture('virt-m64.dtb')).memory()[0].size).toBe(64 << 20);
  });

  it('reads a hand-made tree with aliases, reserved memory, memreserve and disabled memory', () => {
    const s = (x: string) => [...Buffer.from(`${x}\0`)];
    const c = (...v: number[]) =>
      v.flatMap((x) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255]);
    const strings =
      '#address-cells\0#size-cells\0serial0\0reg\0no-map\0device_type\0status\0stdout-path\0size\0';
    const o = (n: string) => strings.indexOf(`${n}\0`);
    const b = assemble(
      [
        ['begin', ''],
        ['prop', o('#address-cells'), c(1)],
        ['prop', o('#size-cells'), c(1)],
        ['begin', 'aliases'],
        ['prop', o('serial0'), s('/uart@100')],
        ['end'],
        ['begin', 'chosen'],
        ['prop', o('stdout-path'), s('serial0:115200n8')],
        ['end'],
        ['begin', 'uart@100'],
        ['prop', o('reg'), c(0x100, 0x10)],
        ['end'],
        ['begin', 'memory@0'],
        ['prop', o('device_type'), s('memory')],
        ['prop', o('reg'), c(0, 0x1000, 0x4000, 0x1000)],
        ['end'],
        ['begin', 'memory@9000'],
        ['prop', o('device_type'), s('memory')],
        ['prop', o('status'), s('disabled')],
        ['prop', o('reg'), c(0x9000, 0x10)],
        ['end'],
        ['begin', 'reserved-memory'],
        ['prop', o('#address-cells'), c(1)],
        ['prop', o('#size-cells'), c(1)],
        ['begin', 'fw@0'],
        ['prop', o('reg'), c(0, 0x200)],
        ['prop', o('no-map'), []],
        ['end'],
        ['begin', 'pool'],
        ['prop', o('size'), c(0, 0x400)],
        ['end'],
        ['end'],
        ['end'],
        ['fin'],
      ],
      strings,
      { rsv: [[0x5000, 0x100]], hdr: { boot: 3 } },
    );
    const fdt = Fdt.open(b);
    expect(fdt.header.bootCpuidPhys).toBe(3);
    expect(fdt.memReserve).toEqual([{ address: 0x5000n, size: 0x100n }]);
    expect(fdt.pathOffset('serial0')!.path).toBe('/uart@100');
    expect(fdt.chosen().stdout!.path).toBe('/uart@100');
    expect(fdt.memory().map((m) => [m.address, m.size])).toEqual([
      [0, 0x1000],
      [0x4000, 0x1000],
    ]);
    expect(fdt.getPropU64(fdt.getNode('/reserved-memory/pool'), 'size')).toBe(0x400n);
    const rm = fdt.reservedMemory();
    expect(rm.map((r) => [r.name, r.regions, r.noMap, r.size])).toEqual([
      ['fw@0', [{ address: 0, size: 0x200 }], true, undefined],
      ['pool', [], false, 0x400],
    ]);
  });

  it('accepts a version 16 header (no size_dt_struct) and finds the struct extent', () => {
    const b = assemble([['begin', ''], ['end'], ['fin']], '', {
      hdr: { version: 16, sizeStruct: 0xdeadbeef },
    });
    const fdt = Fdt.open(b);
    expect(fdt.header.version).toBe(16);
    expect(fdt.header.sizeDtStruct).toBe(16);
  });

  it('opens a blob inside a larger buffer (QEMU dumps a 1 MiB buffer) and cuts it to totalsize', () => {
    const b = fixture('virt-default.dtb');
    const big = new Uint8Array(1 << 20);
    big.set(b);
    const fdt = Fdt.open(big);
    expect(fdt.bytes.length).toBe(b.length);
    expect(fdt.bytes.buffer).toBe(big.buffer);
  });
});
