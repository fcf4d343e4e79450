// The rkpci API: host bridges, enumerated functions, and drivers (Unikraft lib/ukbus + plat/common
// pci_bus.c: struct pci_device, struct pci_driver, struct pci_device_id).

// The registry augmentation at the end needs rkboot in the program (tsup's d.ts build resolves it only when imported).
import type {} from '@runikraft/rkboot';

/** Address spaces a BAR or a host-bridge window decodes. */
export type RkPciSpace = 'io' | 'mem32' | 'mem64';

/** Configuration-space access for the buses behind one host bridge (ECAM, or a test's fake). */
export interface RkPciConfigAccess {
  /** Reads `width` bytes at `off` of function bus/dev/fn; absent functions read all-ones. */
  read(bus: number, dev: number, fn: number, off: number, width: 1 | 2 | 4): number;
  write(bus: number, dev: number, fn: number, off: number, width: 1 | 2 | 4, value: number): void;
}

/** One `ranges` entry of a host bridge: PCI addresses [pciBase, pciBase + size) at CPU cpuBase. */
export interface RkPciWindow {
  readonly space: RkPciSpace;
  readonly prefetchable: boolean;
  readonly pciBase: number;
  readonly cpuBase: number;
  readonly size: number;
}

/** A host bridge: what a host-bridge implementation provides (the conformance kit checks it). */
export interface RkPciHostBridge {
  /** Device-tree path, or a test's name. */
  readonly name: string;
  /** PCI segment (`linux,pci-domain`). */
  readonly domain: number;
  readonly busStart: number;
  readonly busEnd: number;
  readonly windows: readonly RkPciWindow[];
  readonly cfg: RkPciConfigAccess;
  /**
   * The interrupt line (PLIC source) INTx `pin` (1 = INTA .. 4 = INTD) of root-bus device `dev`
   * raises. @returns the line, or -1 when the bridge's interrupt map has no entry for it.
   */
  routeIntx(dev: number, fn: number, pin: number): number;
}

/** A base address register after sizing and assignment. */
export interface RkPciBar {
  readonly index: number;
  readonly space: RkPciSpace;
  readonly prefetchable: boolean;
  /** Bytes decoded (a power of two). */
  readonly size: number;
  /** Bus address programmed into the BAR, -1 when it could not be placed. */
  readonly pciAddr: number;
  /** Where the CPU reaches it (MMIO load/store address), -1 when unassigned. */
  readonly cpuAddr: number;
}

/** A PCI capability in the standard list (`PCI_CAPABILITY_LIST`). */
export interface RkPciCapability {
  readonly id: number;
  readonly offset: number;
}

/** One function found by enumeration (Unikraft's struct pci_device). */
export interface RkPciDevice {
  /** "dddd:bb:dd.f", as Linux prints it. */
  readonly name: string;
  readonly domain: number;
  readonly bus: number;
  readonly dev: number;
  readonly fn: number;
  readonly vendorId: number;
  readonly deviceId: number;
  /** 24-bit class code: base class << 16 | subclass << 8 | prog-if. */
  readonly classCode: number;
  readonly revision: number;
  readonly subsystemVendorId: number;
  readonly subsystemId: number;
  /** Header layout (0 normal, 1 PCI-to-PCI bridge), multi-function bit masked off. */
  readonly headerType: number;
  /** BAR slots 0..5 (0..1 for bridges); the upper half of a 64-bit BAR is undefined. */
  readonly bars: readonly (RkPciBar | undefined)[];
  /** INTx pin (1..4), 0 if the function has none. */
  readonly pin: number;
  /** Interrupt line it raises on the platform controller, -1 when none or unroutable. */
  readonly irq: number;
  readonly hostBridge: RkPciHostBridge;
  /** Name of the driver bound to it, if any. */
  readonly driver: string | undefined;
  /** Why the function cannot be enabled (a BAR found no room), if so. */
  readonly error: string | undefined;
  configRead(off: number, width: 1 | 2 | 4): number;
  configWrite(off: number, width: 1 | 2 | 4, value: number): void;
  /** The capability list, in chain order (bounded: a looping chain ends at the first repeat). */
  capabilities(): RkPciCapability[];
}

/** What a driver matches (struct pci_device_id); an absent field matches anything (PCI_ANY_ID). */
export interface RkPciDeviceId {
  readonly vendorId?: number;
  readonly deviceId?: number;
  /** Compared under `classMask` (default 0xffffff). */
  readonly classCode?: number;
  readonly classMask?: number;
  readonly subsystemVendorId?: number;
  readonly subsystemId?: number;
}

/** A PCI driver (struct pci_driver). */
export interface RkPciDriver {
  readonly name: string;
  readonly ids: readonly RkPciDeviceId[];
  /**
   * Binds to a matching function whose BARs are assigned and whose decoding and bus mastering the
   * bus has enabled. Runs at init time. @returns 0 when bound, or -errno (the device stays free).
   */
  addDev(dev: RkPciDevice): number;
}

/** Per-host-bridge enumeration figures. */
export interface RkPciEnumStats {
  readonly hostBridge: string;
  readonly functions: number;
  readonly configReads: number;
  readonly configWrites: number;
  /** Guest nanoseconds for the scan, BAR sizing and assignment. */
  readonly enumNs: number;
}

/** The PCI bus (what `registry.get('rkpci')` returns). */
export interface RkPciBus {
  hostBridges(): readonly RkPciHostBridge[];
  /** Every function found, in scan order (host bridge, bus, device, function). */
  devices(): readonly RkPciDevice[];
  /**
   * Registers a driver and offers it every unbound matching function already found (and those found
   * later). @returns 0, or -EEXIST when a driver of that name is registered.
   */
  registerDriver(drv: RkPciDriver): number;
  stats(): readonly RkPciEnumStats[];
}

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rkpci: RkPciBus;
  }
}
