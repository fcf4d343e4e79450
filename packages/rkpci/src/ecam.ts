// ECAM configuration access (PCIe 4.0 §7.2.2; Linux drivers/pci/ecam.c pci_generic_ecam_ops): each
// function's 4 KiB of config space is memory-mapped at base + (bus << 20 | dev << 15 | fn << 12).
import type { RkPlatDevices } from '@runikraft/rkplat';
import type { RkPciConfigAccess } from './api';
import { ECAM_BUS_SHIFT, ECAM_DEV_SHIFT, ECAM_FN_SHIFT, PCI_CFG_SPACE_EXP_SIZE } from './regs';

const ONES = [0, 0xff, 0xffff, 0, 0xffffffff] as const;

/** True when bus/dev/fn/off/width name an aligned access inside one function's ECAM page. */
export function cfgAccessValid(
  bus: number,
  dev: number,
  fn: number,
  off: number,
  width: number,
): boolean {
  return (
    Number.isInteger(bus) &&
    Number.isInteger(dev) &&
    Number.isInteger(fn) &&
    Number.isInteger(off) &&
    dev >>> 0 < 32 &&
    fn >>> 0 < 8 &&
    off >= 0 &&
    off + width <= PCI_CFG_SPACE_EXP_SIZE &&
    off % width === 0
  );
}

/** Config access through an ECAM region covering buses busStart..busEnd. */
export class EcamConfigAccess implements RkPciConfigAccess {
  constructor(
    private readonly mmio: Pick<RkPlatDevices, 'read' | 'write'>,
    readonly base: number,
    readonly busStart: number,
    readonly busEnd: number,
  ) {}

  /** The MMIO address of bus/dev/fn/off, or -1 outside the region or for a misaligned access. */
  address(bus: number, dev: number, fn: number, off: number, width: number): number {
    if (!cfgAccessValid(bus, dev, fn, off, width) || bus < this.busStart || bus > this.busEnd)
      return -1;
    // bus << 20 overflows int32 above bus 2047; multiply instead
    return (
      this.base +
      (bus - this.busStart) * (1 << ECAM_BUS_SHIFT) +
      ((dev << ECAM_DEV_SHIFT) | (fn << ECAM_FN_SHIFT) | off)
    );
  }

  /** @returns the value, or all-ones (as a master abort) for an access outside the region. */
  read(bus: number, dev: number, fn: number, off: number, width: 1 | 2 | 4): number {
    const a = this.address(bus, dev, fn, off, width);
    return a < 0 ? ONES[width] : this.mmio.read(a, width) >>> 0;
  }

  /** Writes are dropped for an access outside the region, as a master abort. */
  write(bus: number, dev: number, fn: number, off: number, width: 1 | 2 | 4, value: number): void {
    const a = this.address(bus, dev, fn, off, width);
    if (a >= 0) this.mmio.write(a, width, value >>> 0);
  }
}
