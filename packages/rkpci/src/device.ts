// One enumerated function (Unikraft's struct pci_device): identity read once at scan time, BARs as
// assigned, config access bound to its bus/dev/fn, and the capability list walk.
import type {
  RkPciBar,
  RkPciCapability,
  RkPciConfigAccess,
  RkPciDevice,
  RkPciHostBridge,
} from './api';
import {
  PCI_CAPABILITY_LIST,
  PCI_CLASS_REVISION,
  PCI_DEVICE_ID,
  PCI_HEADER_TYPE,
  PCI_HEADER_TYPE_MASK,
  PCI_STATUS,
  PCI_STATUS_CAP_LIST,
  PCI_SUBSYSTEM_ID,
  PCI_SUBSYSTEM_VENDOR_ID,
  PCI_VENDOR_ID,
} from './regs';

const hex = (v: number, n: number) => v.toString(16).padStart(n, '0');

/** "dddd:bb:dd.f". */
export function pciName(domain: number, bus: number, dev: number, fn: number): string {
  return `${hex(domain, 4)}:${hex(bus, 2)}:${hex(dev, 2)}.${fn}`;
}

/** One PCI function found by enumeration: its configuration header as read, BARs, IRQ and driver. */
export class PciFunction implements RkPciDevice {
  readonly name: string;
  readonly domain: number;
  readonly vendorId: number;
  readonly deviceId: number;
  readonly classCode: number;
  readonly revision: number;
  readonly subsystemVendorId: number;
  readonly subsystemId: number;
  readonly headerType: number;
  bars: (RkPciBar | undefined)[] = [];
  pin = 0;
  irq = -1;
  driver: string | undefined;
  error: string | undefined;

  constructor(
    readonly hostBridge: RkPciHostBridge,
    private readonly cfg: RkPciConfigAccess,
    readonly bus: number,
    readonly dev: number,
    readonly fn: number,
  ) {
    this.domain = hostBridge.domain;
    this.name = pciName(this.domain, bus, dev, fn);
    this.vendorId = this.configRead(PCI_VENDOR_ID, 2);
    this.deviceId = this.configRead(PCI_DEVICE_ID, 2);
    const cr = this.configRead(PCI_CLASS_REVISION, 4);
    this.classCode = cr >>> 8;
    this.revision = cr & 0xff;
    this.headerType = this.configRead(PCI_HEADER_TYPE, 1) & PCI_HEADER_TYPE_MASK;
    const normal = this.headerType === 0;
    this.subsystemVendorId = normal ? this.configRead(PCI_SUBSYSTEM_VENDOR_ID, 2) : 0;
    this.subsystemId = normal ? this.configRead(PCI_SUBSYSTEM_ID, 2) : 0;
  }

  configRead(off: number, width: 1 | 2 | 4): number {
    return this.cfg.read(this.bus, this.dev, this.fn, off, width);
  }

  configWrite(off: number, width: 1 | 2 | 4, value: number): void {
    this.cfg.write(this.bus, this.dev, this.fn, off, width, value);
  }

  /**
   * Walks the list from PCI_CAPABILITY_LIST (Linux __pci_find_next_cap_ttl): pointers are masked to
   * dword alignment, anything below 0x40 ends the list, and at most 48 entries are followed.
   */
  capabilities(): RkPciCapability[] {
    const out: RkPciCapability[] = [];
    if (!(this.configRead(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST)) return out;
    let pos = this.configRead(PCI_CAPABILITY_LIST, 1) & 0xfc;
    const seen = new Set<number>();
    for (let ttl = 48; ttl > 0 && pos >= 0x40 && !seen.has(pos); ttl--) {
      seen.add(pos);
      const id = this.configRead(pos, 1);
      if (id === 0xff) break;
      out.push({ id, offset: pos });
      pos = this.configRead(pos + 1, 1) & 0xfc;
    }
    return out;
  }
}
