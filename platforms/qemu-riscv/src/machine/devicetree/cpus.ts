// /cpus, /memory and the timer/IPI controllers: QEMU 7.2 create_fdt_socket_{cpus,memory,clint,aclint}
// (one socket). Harts are created from the last down to hart 0, which fixes the phandle numbering.

import type { FdtTree } from '@runikraft/fdt';
import {
  ACLINT_MTIME,
  ACLINT_MTIMECMP,
  ACLINT_SWI_SIZE,
  IRQ_M_SOFT,
  IRQ_M_TIMER,
  IRQ_S_SOFT,
  MEMMAP,
  MMU_TYPE,
  RISCV_ISA,
  TIMEBASE_FREQ,
} from './layout';

/** Adds /cpus with every hart; returns the intc phandle of each hart, indexed by hart id. */
export function createCpus(t: FdtTree, smp: number, phandle: { next: number }): number[] {
  t.addSubnode('/cpus');
  t.setPropU32('/cpus', 'timebase-frequency', TIMEBASE_FREQ);
  t.setPropU32('/cpus', '#size-cells', 0);
  t.setPropU32('/cpus', '#address-cells', 1);
  t.addSubnode('/cpus/cpu-map');
  const cluster = '/cpus/cpu-map/cluster0';
  t.addSubnode(cluster);
  const intc: number[] = new Array(smp);
  for (let cpu = smp - 1; cpu >= 0; cpu--) {
    const cpuPhandle = phandle.next++;
    const name = `/cpus/cpu@${cpu}`;
    t.addSubnode(name);
    t.setPropString(name, 'mmu-type', MMU_TYPE);
    t.setPropString(name, 'riscv,isa', RISCV_ISA);
    t.setPropString(name, 'compatible', 'riscv');
    t.setPropString(name, 'status', 'okay');
    t.setPropU32(name, 'reg', cpu);
    t.setPropString(name, 'device_type', 'cpu');
    t.setPropU32(name, 'phandle', cpuPhandle);
    intc[cpu] = phandle.next++;
    const intcName = `${name}/interrupt-controller`;
    t.addSubnode(intcName);
    t.setPropU32(intcName, 'phandle', intc[cpu]);
    t.setPropString(intcName, 'compatible', 'riscv,cpu-intc');
    t.setPropEmpty(intcName, 'interrupt-controller');
    t.setPropU32(intcName, '#interrupt-cells', 1);
    const core = `${cluster}/core${cpu}`;
    t.addSubnode(core);
    t.setPropU32(core, 'cpu', cpuPhandle);
  }
  return intc;
}

/** Adds /memory@80000000 covering all of RAM. */
export function createMemory(t: FdtTree, bytes: number): void {
  const addr = MEMMAP.dram.base;
  const name = `/memory@${addr.toString(16)}`;
  t.addSubnode(name);
  t.setPropCells(name, 'reg', [hi(addr), lo(addr), hi(bytes), lo(bytes)]);
  t.setPropString(name, 'device_type', 'memory');
}

function perHart(intc: number[], irqs: number[]): number[] {
  return intc.flatMap((ph) => irqs.flatMap((irq) => [ph, irq]));
}

/** Adds the SiFive CLINT node. */
export function createClint(t: FdtTree, intc: number[]): void {
  const { base, size } = MEMMAP.clint;
  const name = `/soc/clint@${base.toString(16)}`;
  t.addSubnode(name);
  t.setPropStringList(name, 'compatible', ['sifive,clint0', 'riscv,clint0']);
  t.setPropCells(name, 'reg', [0, base, 0, size]);
  t.setPropCells(name, 'interrupts-extended', perHart(intc, [IRQ_M_SOFT, IRQ_M_TIMER]));
}

/** Adds the ACLINT mswi, mtimer and sswi nodes (aclint=on, no AIA). */
export function createAclint(t: FdtTree, intc: number[]): void {
  const clint = MEMMAP.clint;
  let name = `/soc/mswi@${clint.base.toString(16)}`;
  t.addSubnode(name);
  t.setPropString(name, 'compatible', 'riscv,aclint-mswi');
  t.setPropCells(name, 'reg', [0, clint.base, 0, ACLINT_SWI_SIZE]);
  t.setPropCells(name, 'interrupts-extended', perHart(intc, [IRQ_M_SOFT]));
  t.setPropEmpty(name, 'interrupt-controller');
  t.setPropU32(name, '#interrupt-cells', 0);

  const addr = clint.base + ACLINT_SWI_SIZE;
  const size = clint.size - ACLINT_SWI_SIZE;
  name = `/soc/mtimer@${addr.toString(16)}`;
  t.addSubnode(name);
  t.setPropString(name, 'compatible', 'riscv,aclint-mtimer');
  t.setPropCells(name, 'reg', [
    0,
    addr + ACLINT_MTIME,
    0,
    size - ACLINT_MTIME,
    0,
    addr + ACLINT_MTIMECMP,
    0,
    ACLINT_MTIME,
  ]);
  t.setPropCells(name, 'interrupts-extended', perHart(intc, [IRQ_M_TIMER]));

  const sswi = MEMMAP.aclintSswi;
  name = `/soc/sswi@${sswi.base.toString(16)}`;
  t.addSubnode(name);
  t.setPropString(name, 'compatible', 'riscv,aclint-sswi');
  t.setPropCells(name, 'reg', [0, sswi.base, 0, sswi.size]);
  t.setPropCells(name, 'interrupts-extended', perHart(intc, [IRQ_S_SOFT]));
  t.setPropEmpty(name, 'interrupt-controller');
  t.setPropU32(name, '#interrupt-cells', 0);
}

/** High 32 bits of a non-negative safe integer. */
export function hi(v: number): number {
  return Math.floor(v / 0x100000000) >>> 0;
}
/** Low 32 bits of a non-negative safe integer. */
export function lo(v: number): number {
  return (v % 0x100000000) >>> 0;
}
