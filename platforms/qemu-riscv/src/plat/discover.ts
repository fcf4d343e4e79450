// Reads what the kernel needs from the device tree (the only description of the machine it trusts):
// RAM, /chosen, timebase, CPUs, PLIC context for this hart, timer, UART, RTC, finisher.
import type { Fdt, FdtNode } from '@runikraft/fdt';
import { IRQ_M_EXT, IRQ_S_EXT } from '../isa/csr';
import type { PrivMode } from '../isa/hart';

/** A device tree that is well-formed but lacks something this platform needs. */
export class PlatDescError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatDescError';
  }
}

export interface PlatDesc {
  memory: { base: number; size: number }[];
  reserved: { base: number; size: number; name: string }[];
  cmdline: string;
  initrd: { start: number; end: number } | null;
  timebase: number;
  ncpus: number;
  sstc: boolean;
  uart: { base: number; irq: number };
  plic: { base: number; ndev: number; context: number };
  /** mtimecmp address of this hart (CLINT / ACLINT MTIMER); used in M-mode. */
  mtimecmp: number | null;
  /** This hart's machine-software-interrupt register (CLINT msip / ACLINT MSWI): IPIs in M-mode. */
  msip: number | null;
  rtc: { base: number } | null;
  finisher: { base: number } | null;
}

function first(fdt: Fdt, compats: string[], what: string): FdtNode {
  for (const c of compats) {
    const n = fdt.findByCompatible(c)[0];
    if (n) return n;
  }
  throw new PlatDescError(
    `device tree: no ${what} (compatible ${compats.map((c) => `"${c}"`).join(' or ')})`,
  );
}

function regBase(fdt: Fdt, n: FdtNode): number {
  const r = fdt.reg(n)[0];
  if (!r) throw new PlatDescError(`device tree: ${n.path} has no reg`);
  return r.address;
}

function cpuNode(fdt: Fdt, hartid: number): FdtNode {
  const cpus = fdt.root.child('cpus');
  if (!cpus) throw new PlatDescError('device tree: no /cpus node');
  const cpu = cpus.children.find(
    (c) => fdt.getPropString(c, 'device_type') === 'cpu' && fdt.reg(c)[0]?.address === hartid,
  );
  if (!cpu)
    throw new PlatDescError(`device tree: no /cpus/cpu node with reg = ${hartid} (this hart)`);
  return cpu;
}

function plicContext(fdt: Fdt, plic: FdtNode, intc: FdtNode | undefined, mode: PrivMode): number {
  const want = mode === 'M' ? IRQ_M_EXT : IRQ_S_EXT;
  const ctx = fdt.interrupts(plic).findIndex((i) => i.parent === intc && i.cells[0] === want);
  if (ctx < 0)
    throw new PlatDescError(`device tree: ${plic.path} has no ${mode}-mode context for this hart`);
  return ctx;
}

/** Extracts the platform description for `hartid` running in `mode`. Throws PlatDescError or FdtError. */
export function describePlatform(fdt: Fdt, hartid: number, mode: PrivMode): PlatDesc {
  const mem = fdt.memory().map((m) => ({ base: m.address, size: m.size }));
  if (mem.length === 0)
    throw new PlatDescError('device tree: no memory node (device_type = "memory")');
  const ch = fdt.chosen();
  const cpus = fdt.root.child('cpus')!;
  const cpu = cpuNode(fdt, hartid);
  const timebase =
    fdt.getPropU32(cpu, 'timebase-frequency') ?? fdt.getPropU32(cpus, 'timebase-frequency');
  if (!timebase) throw new PlatDescError('device tree: no timebase-frequency in /cpus');
  const isa = fdt.getPropString(cpu, 'riscv,isa') ?? '';
  const intc = cpu.children.find((c) =>
    fdt.getPropStringList(c, 'compatible')?.includes('riscv,cpu-intc'),
  );
  const plic = first(fdt, ['riscv,plic0', 'sifive,plic-1.0.0'], 'PLIC');
  const uart =
    ch.stdout && fdt.getPropStringList(ch.stdout, 'compatible')?.includes('ns16550a')
      ? ch.stdout
      : first(fdt, ['ns16550a'], 'UART');
  const uartIrq = fdt.interrupts(uart)[0]?.cells[0];
  if (uartIrq === undefined) throw new PlatDescError(`device tree: ${uart.path} has no interrupts`);
  const timer = fdt.findByCompatible('riscv,aclint-mtimer')[0];
  const clint = fdt.findByCompatible('riscv,clint0')[0] ?? fdt.findByCompatible('sifive,clint0')[0];
  let mtimecmp: number | null = null;
  if (timer) mtimecmp = fdt.reg(timer)[1]!.address + 8 * hartid;
  else if (clint) mtimecmp = regBase(fdt, clint) + 0x4000 + 8 * hartid;
  const mswi = fdt.findByCompatible('riscv,aclint-mswi')[0] ?? clint;
  const msip = mswi ? regBase(fdt, mswi) + 4 * hartid : null;
  if (mode === 'M' && mtimecmp === null)
    throw new PlatDescError('device tree: M-mode needs a CLINT or ACLINT MTIMER');
  const rtc = fdt.findByCompatible('google,goldfish-rtc')[0];
  const test = fdt.findByCompatible('sifive,test0')[0] ?? fdt.findByCompatible('sifive,test1')[0];
  const reserved = fdt
    .reservedMemory()
    .flatMap((r) =>
      r.regions.map((g) => ({ base: g.address, size: g.size, name: `reserved-memory/${r.name}` })),
    );
  for (const e of fdt.memReserve)
    reserved.push({ base: Number(e.address), size: Number(e.size), name: 'memreserve' });
  return {
    memory: mem,
    reserved,
    cmdline: ch.bootargs ?? '',
    initrd: ch.initrdStart !== undefined ? { start: ch.initrdStart, end: ch.initrdEnd! } : null,
    timebase,
    ncpus: cpus.children.filter((c) => fdt.getPropString(c, 'device_type') === 'cpu').length,
    sstc: /(^|_)sstc(_|$)/.test(isa),
    uart: { base: regBase(fdt, uart), irq: uartIrq },
    plic: {
      base: regBase(fdt, plic),
      ndev: fdt.getPropU32(plic, 'riscv,ndev') ?? 95,
      context: plicContext(fdt, plic, intc, mode),
    },
    mtimecmp,
    msip,
    rtc: rtc ? { base: regBase(fdt, rtc) } : null,
    finisher: test ? { base: regBase(fdt, test) } : null,
  };
}
