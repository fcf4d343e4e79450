// The PLIC and the platform bus hung off it: QEMU 7.2 create_fdt_socket_plic and hw/core/sysbus-fdt.c
// platform_bus_add_all_fdt_nodes (no dynamic sysbus devices are ever plugged on this model).

import type { FdtTree } from '@runikraft/fdt';
import { IRQ_M_EXT, IRQ_S_EXT, MEMMAP, PLIC_NDEV } from './layout';

/** Adds /soc/plic@c000000 and /platform-bus@4000000; returns the PLIC phandle. */
export function createPlic(t: FdtTree, intc: number[], phandle: { next: number }): number {
  const cells = intc.flatMap((ph) => [ph, IRQ_M_EXT, ph, IRQ_S_EXT]);
  const plicPhandle = phandle.next++;
  const { base, size } = MEMMAP.plic;
  const name = `/soc/plic@${base.toString(16)}`;
  t.addSubnode(name);
  t.setPropU32(name, '#interrupt-cells', 1);
  t.setPropU32(name, '#address-cells', 0);
  t.setPropStringList(name, 'compatible', ['sifive,plic-1.0.0', 'riscv,plic0']);
  t.setPropEmpty(name, 'interrupt-controller');
  t.setPropCells(name, 'interrupts-extended', cells);
  t.setPropCells(name, 'reg', [0, base, 0, size]);
  t.setPropU32(name, 'riscv,ndev', PLIC_NDEV);
  t.setPropU32(name, 'phandle', plicPhandle);
  createPlatformBus(t, name);
  return plicPhandle;
}

function createPlatformBus(t: FdtTree, intcPath: string): void {
  const { base, size } = MEMMAP.platformBus;
  const name = `/platform-bus@${base.toString(16)}`;
  t.addSubnode(name);
  t.setPropStringList(name, 'compatible', ['qemu,platform', 'simple-bus']);
  t.setPropU32(name, '#size-cells', 1);
  t.setPropU32(name, '#address-cells', 1);
  t.setPropCells(name, 'ranges', [0, 0, base, size]);
  t.setPropU32(name, 'interrupt-parent', t.getPhandle(intcPath));
}
