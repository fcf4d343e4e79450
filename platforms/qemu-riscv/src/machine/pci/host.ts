// QEMU's generic PCIe host bridge as virt wires it (hw/pci-host/gpex.c, hw/pci/pcie_host.c): ECAM
// config space for buses 0–255 (only bus 0 exists: no bridges are modelled), the PIO window and the
// 32-/64-bit MMIO windows onto the PCI address spaces, and INTA..INTD swizzled by slot onto 4 PLIC
// sources ((pin + slot) % 4, hw/pci/pci.c pci_swizzle_map_irq_fn).
import type { IrqLine } from '../devices/irq';
import type { MmioDevice } from '../mmio';
import type { PciBar, PciBusHost, PciFunction } from './function';
import {
  PCI_BAR_UNMAPPED,
  PCI_CONFIG_SPACE_SIZE,
  PCI_FUNC_MAX,
  PCI_HEADER_TYPE,
  PCI_HEADER_TYPE_MULTI_FUNCTION,
  PCI_SLOT_MAX,
} from './regs';
import { PciAddressSpace } from './window';

const DEVFN_MAX = PCI_SLOT_MAX * PCI_FUNC_MAX;

/** Where a function goes: slot (0..31) and function (0..7); absent slot = the first free one. */
export interface PciAddr {
  slot?: number;
  fn?: number;
  /** QEMU's `multifunction=on`: header type bit 7; needed on function 0 of a slot with others. */
  multifunction?: boolean;
}

export class GpexHost implements PciBusHost {
  readonly mem = new PciAddressSpace();
  readonly io = new PciAddressSpace();
  readonly ecam: MmioDevice;
  private readonly devices: (PciFunction | undefined)[] = new Array(DEVFN_MAX);
  /** How many asserted pins feed each of the 4 host lines (QEMU bus->irq_count). */
  private readonly irqCount = [0, 0, 0, 0];

  constructor(
    ecamSize: number,
    private readonly lines: readonly IrqLine[],
  ) {
    this.ecam = new EcamRegion(ecamSize, (bus, devfn) =>
      bus === 0 ? this.devices[devfn] : undefined,
    );
  }

  /** Functions on bus 0 in devfn order. */
  get functions(): PciFunction[] {
    return this.devices.filter((d): d is PciFunction => d !== undefined);
  }

  /**
   * Plugs `fn` at `addr` (QEMU's `addr=SLOT.FN`); without a slot, the first slot whose function 0 is
   * free (QEMU's automatic devfn). @returns the devfn. @throws with QEMU's wording when taken or full.
   */
  plug(fn: PciFunction, addr: PciAddr = {}): number {
    let devfn: number;
    if (addr.slot === undefined) {
      if (addr.fn !== undefined && addr.fn !== 0)
        throw new RangeError(`PCI: function ${addr.fn} needs a slot (addr=SLOT.${addr.fn})`);
      devfn = -1;
      for (let d = 0; d < DEVFN_MAX; d += PCI_FUNC_MAX)
        if (!this.devices[d]) {
          devfn = d;
          break;
        }
      if (devfn < 0)
        throw new Error(`PCI: no slot/function available for ${fn.name}, all in use or reserved`);
    } else {
      const f = addr.fn ?? 0;
      if (!Number.isInteger(addr.slot) || addr.slot < 0 || addr.slot >= PCI_SLOT_MAX)
        throw new RangeError(`PCI: slot ${addr.slot} is not 0..${PCI_SLOT_MAX - 1}`);
      if (!Number.isInteger(f) || f < 0 || f >= PCI_FUNC_MAX)
        throw new RangeError(`PCI: function ${f} is not 0..${PCI_FUNC_MAX - 1}`);
      devfn = addr.slot * PCI_FUNC_MAX + f;
      const other = this.devices[devfn];
      if (other)
        throw new Error(
          `PCI: slot ${addr.slot} function ${f} not available for ${fn.name}, in use by ${other.name}`,
        );
    }
    this.checkMultifunction(fn, devfn, addr.multifunction ?? false);
    if (addr.multifunction)
      fn.cfg.set(
        PCI_HEADER_TYPE,
        1,
        fn.cfg.get(PCI_HEADER_TYPE, 1) | PCI_HEADER_TYPE_MULTI_FUNCTION,
      );
    this.devices[devfn] = fn;
    fn.attachBus(this, devfn);
    return devfn;
  }

  /** pci_init_multifunction: function 0 must say multifunction for the slot to hold others. */
  private checkMultifunction(fn: PciFunction, devfn: number, multi: boolean): void {
    const slot = devfn >>> 3;
    const f0 = this.devices[slot * PCI_FUNC_MAX];
    if (devfn & 7) {
      if (f0 && !(f0.cfg.get(PCI_HEADER_TYPE, 1) & PCI_HEADER_TYPE_MULTI_FUNCTION))
        throw new Error(
          `PCI: single function device can't be populated in function ${slot.toString(16)}.${devfn & 7}`,
        );
      return;
    }
    if (multi) return;
    for (let f = 1; f < PCI_FUNC_MAX; f++)
      if (this.devices[devfn + f])
        throw new Error(
          `PCI: ${slot.toString(16)}.0 indicates single function, but ${slot.toString(16)}.${f} is already populated (${fn.name} needs multifunction=on)`,
        );
  }

  barMoved(bar: PciBar, io: boolean): void {
    const space = io ? this.io : this.mem;
    if (bar.addr === PCI_BAR_UNMAPPED) space.unmap(bar.region);
    else space.map(bar.region, bar.addr);
  }

  intxChange(fn: PciFunction, pin: number, change: number): void {
    const slot = fn.devfn >>> 3;
    const line = (pin + slot) % 4;
    const before = this.irqCount[line];
    this.irqCount[line] += change;
    // gpex_set_irq follows the OR of the pins: only a 0 <-> nonzero change reaches the PLIC
    if ((before === 0) !== (this.irqCount[line] === 0)) this.lines[line](this.irqCount[line] !== 0);
  }

  /** Machine reset: every function's config registers and device state. */
  reset(): void {
    for (const f of this.functions) f.reset();
  }
}

/**
 * ECAM (PCIe 4.0 §7.2.2): offset = bus << 20 | devfn << 12 | register. A missing function reads all
 * ones and ignores writes; so do registers past the function's 256 bytes (pci_host_config_read_common).
 */
class EcamRegion implements MmioDevice {
  readonly name = 'pcie-mmcfg-mmio';
  readonly validMin = 1;
  readonly validMax = 0;

  constructor(
    readonly size: number,
    private readonly lookup: (bus: number, devfn: number) => PciFunction | undefined,
  ) {}

  private target(offset: number): [PciFunction, number] | null {
    const fn = this.lookup(Math.floor(offset / 2 ** 20), (offset >>> 12) & 0xff);
    const reg = offset & 0xfff;
    return fn && reg < PCI_CONFIG_SPACE_SIZE ? [fn, reg] : null;
  }

  read(offset: number, size: number): number {
    const t = this.target(offset);
    if (!t) return 2 ** (8 * size) - 1;
    return t[0].readConfig(t[1], Math.min(size, PCI_CONFIG_SPACE_SIZE - t[1]));
  }

  write(offset: number, size: number, value: number): void {
    const t = this.target(offset);
    if (t) t[0].writeConfig(t[1], Math.min(size, PCI_CONFIG_SPACE_SIZE - t[1]), value);
  }
}
