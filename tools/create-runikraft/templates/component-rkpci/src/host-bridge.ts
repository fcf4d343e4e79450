// __LIB__'s host bridge: how the CPU reaches the configuration space of the functions behind one PCI
// controller, which CPU windows the controller decodes, and where its INTx lines go. The windows
// and the INTx map come from the standard device-tree properties (`ranges`, `interrupt-map`), which
// rkpci's helpers parse; what differs between controllers is the config-space mechanism, so that is
// the part written here. The template makes ECAM cycles (PCIe 4.0 §7.2.2: 4 KiB of config space per
// function, memory-mapped at base + (bus << 20 | dev << 15 | fn << 12)); replace `address` (or the
// whole class) with your controller's way of making a config cycle.
import type { Fdt, FdtNode } from '@runikraft/fdt';
import {
  intxRouter,
  parseRanges,
  type RkPciConfigAccess,
  type RkPciHostBridge,
} from '@runikraft/rkpci';
import type { RkPlatDevices } from '@runikraft/rkplat';

/** MMIO loads and stores (`plat.devices` in an image; the machine's bus, host side, in tests). */
export type Mmio = Pick<RkPlatDevices, 'read' | 'write'>;

/** What an absent function, or an access the controller cannot make, reads: all-ones (a master abort). */
const ONES = { 1: 0xff, 2: 0xffff, 4: 0xffffffff } as const;

/** Config cycles for buses busStart..busEnd through a controller's config region at `base`. */
export class ConfigAccess implements RkPciConfigAccess {
  /** Config cycles made, for statistics (the boot test checks this bridge did the enumeration). */
  reads = 0;
  writes = 0;

  constructor(
    private readonly mmio: Mmio,
    readonly base: number,
    readonly size: number,
    readonly busStart: number,
    readonly busEnd: number,
  ) {}

  /** The MMIO address of one access, or -1 for a function or offset the region does not map. */
  private address(bus: number, dev: number, fn: number, off: number, width: number): number {
    if (bus < this.busStart || bus > this.busEnd || dev >>> 0 > 31 || fn >>> 0 > 7) return -1;
    if (off < 0 || off + width > 4096 || off % width !== 0) return -1;
    const a = (bus - this.busStart) * 2 ** 20 + ((dev << 15) | (fn << 12) | off);
    return a + width <= this.size ? this.base + a : -1;
  }

  read(bus: number, dev: number, fn: number, off: number, width: 1 | 2 | 4): number {
    this.reads++;
    const a = this.address(bus, dev, fn, off, width);
    return a < 0 ? ONES[width] : this.mmio.read(a, width) >>> 0;
  }

  write(bus: number, dev: number, fn: number, off: number, width: 1 | 2 | 4, value: number): void {
    this.writes++;
    const a = this.address(bus, dev, fn, off, width);
    if (a >= 0) this.mmio.write(a, width, value >>> 0);
  }
}

/**
 * The host bridge of one controller node: `reg` (its config region), `bus-range`, `ranges` and
 * `interrupt-map`. Named by the node's path, as rkpci names the bridges it builds: rkpci then leaves
 * this node to this bridge. @throws Error naming the malformed property.
 */
export function hostBridgeFromNode(
  fdt: Fdt,
  node: FdtNode,
  mmio: Mmio,
  index: number,
): RkPciHostBridge {
  const reg = fdt.reg(node)[0];
  if (!reg) throw new Error('no reg (the config region)');
  const range = fdt.getPropCells(node, 'bus-range') ?? [0, 0xff];
  if (range.length !== 2 || range[0]! > range[1]! || range[1]! > 0xff)
    throw new Error(`bus-range <${range.join(' ')}> is not two bus numbers in order`);
  const buses = Math.floor(reg.size / 2 ** 20);
  if (buses < 1) throw new Error(`a config region of ${reg.size} bytes holds no bus`);
  const busStart = range[0]!;
  const busEnd = Math.min(range[1]!, busStart + buses - 1);
  return {
    name: node.path,
    domain: fdt.getPropU32(node, 'linux,pci-domain') ?? index,
    busStart,
    busEnd,
    windows: parseRanges(fdt, node),
    cfg: new ConfigAccess(mmio, reg.address, reg.size, busStart, busEnd),
    routeIntx: intxRouter(fdt, node),
  };
}
