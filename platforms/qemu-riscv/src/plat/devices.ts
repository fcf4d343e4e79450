// Device discovery from the device tree (RkDevNode) and raw MMIO access for drivers.
import type { Fdt, FdtNode } from '@runikraft/fdt';
import type { RkDevNode, RkPlatDevices } from '@runikraft/rkplat';
import type { Hart } from '../isa/hart';

function toDevNode(fdt: Fdt, n: FdtNode): RkDevNode {
  let irqs: number[] = [];
  try {
    irqs = fdt.interrupts(n).map((i) => i.cells[0]!);
  } catch {
    // A node whose interrupts cannot be decoded is still listed; it just has none we can route.
  }
  return {
    path: n.path,
    name: n.name,
    compatible: fdt.getPropStringList(n, 'compatible') ?? [],
    reg: fdt.reg(n).map((r) => ({ addr: r.address, size: r.size })),
    interrupts: irqs,
    prop: (name) => fdt.getProp(n, name),
  };
}

export class PlatDevices implements RkPlatDevices {
  private cache: RkDevNode[] | null = null;

  constructor(
    private readonly hart: Hart,
    private readonly fdt: Fdt,
  ) {}

  all(): RkDevNode[] {
    this.cache ??= this.fdt
      .nodes()
      .filter((n) => n.prop('compatible'))
      .map((n) => toDevNode(this.fdt, n));
    return this.cache;
  }

  find(compatible: string): RkDevNode[] {
    return this.all().filter((d) => d.compatible.includes(compatible));
  }

  read(addr: number, width: 1 | 2 | 4): number {
    return width === 1
      ? this.hart.load8(addr)
      : width === 2
        ? this.hart.load16(addr)
        : this.hart.load32(addr);
  }

  write(addr: number, width: 1 | 2 | 4, value: number): void {
    if (width === 1) this.hart.store8(addr, value);
    else if (width === 2) this.hart.store16(addr, value);
    else this.hart.store32(addr, value);
  }
}
