// One PCI function as QEMU's PCIDevice presents it (hw/pci/pci.c): identity registers, BAR registration
// and decoding (pci_register_bar, pci_bar_address, pci_update_mappings), the default config read/write
// (pci_default_read_config / pci_default_write_config), INTx with the Interrupt Status bit and INTx
// Disable, bus-master enable, and the reset of the config registers (pci_do_device_reset).
import type { MmioDevice } from '../mmio';
import { PciConfigSpace } from './config';
import {
  PCI_BAR_UNMAPPED,
  PCI_BASE_ADDRESS_0,
  PCI_BASE_ADDRESS_MEM_TYPE_64,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_CACHE_LINE_SIZE,
  PCI_CLASS_PROG,
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_DEVICE_ID,
  PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN,
  PCI_NUM_BARS,
  PCI_REVISION_ID,
  PCI_STATUS,
  PCI_STATUS_INTERRUPT,
  PCI_SUBDEVICE_ID_QEMU,
  PCI_SUBSYSTEM_ID,
  PCI_SUBSYSTEM_VENDOR_ID,
  PCI_VENDOR_ID,
  PCI_VENDOR_ID_REDHAT_QUMRANET,
} from './regs';

/** A registered BAR: its type bits, power-of-two size, the region it decodes and where it is mapped. */
export interface PciBar {
  readonly index: number;
  /** Low type bits as the BAR reads after reset (I/O 0x1, 64-bit 0x4, prefetchable 0x8). */
  readonly type: number;
  readonly size: number;
  readonly region: MmioDevice;
  /** PCI bus address it decodes at, or PCI_BAR_UNMAPPED. */
  addr: number;
}

/** What the host bridge does for a function: map BARs into its address spaces, route INTx, DMA. */
export interface PciBusHost {
  /** `bar` moved from its old address (`bar.addr` already holds the new one, maybe unmapped). */
  barMoved(bar: PciBar, io: boolean): void;
  /** The level of INTx pin `pin` (0 = INTA) changed by `change` (+1 / -1). */
  intxChange(fn: PciFunction, pin: number, change: number): void;
}

/** Identity of a type-0 function (the values QEMU's PCIDeviceClass gives). */
export interface PciIdentity {
  vendor: number;
  device: number;
  revision: number;
  /** 24-bit class code: class << 16 | subclass << 8 | prog-if. */
  classCode: number;
  subsystemVendor?: number;
  subsystem?: number;
}

export class PciFunction {
  readonly cfg = new PciConfigSpace();
  readonly bars: (PciBar | undefined)[] = new Array(PCI_NUM_BARS);
  /** Device/function number on bus 0 (slot << 3 | fn), set when plugged. */
  devfn = -1;
  /** INTx pins currently asserted by the device (bit per pin), before INTx Disable. */
  private irqState = 0;
  private host: PciBusHost | null = null;

  constructor(
    readonly name: string,
    id: PciIdentity,
  ) {
    const c = this.cfg;
    c.set(PCI_VENDOR_ID, 2, id.vendor);
    c.set(PCI_DEVICE_ID, 2, id.device);
    c.set(PCI_REVISION_ID, 1, id.revision);
    c.set(PCI_CLASS_PROG, 1, id.classCode & 0xff);
    c.set(PCI_CLASS_PROG + 1, 2, id.classCode >>> 8);
    c.set(PCI_SUBSYSTEM_VENDOR_ID, 2, id.subsystemVendor ?? PCI_VENDOR_ID_REDHAT_QUMRANET);
    c.set(PCI_SUBSYSTEM_ID, 2, id.subsystem ?? PCI_SUBDEVICE_ID_QEMU);
  }

  /** Called by the host bridge when the function is plugged at `devfn`. */
  attachBus(host: PciBusHost, devfn: number): void {
    this.host = host;
    this.devfn = devfn;
  }

  /** pci_register_bar: the BAR reads `type`, and only the bits above its size are writable. */
  registerBar(index: number, type: number, size: number, region: MmioDevice): void {
    if (size < 4 || (size & (size - 1)) !== 0 || size > 2 ** 32)
      throw new Error(`pci: ${this.name}: BAR${index} size ${size} is not a power of two`);
    const off = PCI_BASE_ADDRESS_0 + 4 * index;
    const wide = !(type & PCI_BASE_ADDRESS_SPACE_IO) && !!(type & PCI_BASE_ADDRESS_MEM_TYPE_64);
    this.cfg.set(off, 4, type);
    this.cfg.setWmask(off, 4, (2 ** 32 - size) >>> 0);
    if (wide) this.cfg.setWmask(off + 4, 4, 0xffffffff);
    this.bars[index] = { index, type, size, region, addr: PCI_BAR_UNMAPPED };
  }

  get command(): number {
    return this.cfg.get(PCI_COMMAND, 2);
  }

  /** Bus Master Enable: the function may access memory (DMA, MSI writes). */
  get busMaster(): boolean {
    return (this.command & PCI_COMMAND_MASTER) !== 0;
  }

  /** A config read of `len` (1, 2, 4) bytes inside the 256-byte space. Subclasses hook side effects. */
  readConfig(addr: number, len: number): number {
    return this.cfg.get(addr, len as 1 | 2 | 4);
  }

  /** pci_default_write_config. Subclasses call it first, then react. */
  writeConfig(addr: number, len: number, value: number): void {
    const wasIrqDisabled = this.irqDisabled();
    const wasMaster = this.busMaster;
    this.cfg.write(addr, len, value);
    const covers = (a: number, n: number) => addr < a + n && a < addr + len;
    if (covers(PCI_BASE_ADDRESS_0, 24) || covers(PCI_COMMAND, 1)) this.updateMappings();
    if (covers(PCI_COMMAND, 1)) {
      this.updateIrqDisabled(wasIrqDisabled);
      if (wasMaster !== this.busMaster) this.busMasterChanged(this.busMaster);
    }
  }

  /** Bus Master Enable changed (a guest write or a reset). */
  protected busMasterChanged(_enabled: boolean): void {}

  /** pci_set_irq on the function's interrupt pin (INTA when pin register is 1). */
  setIrq(level: boolean): void {
    const pin = this.cfg.get(PCI_INTERRUPT_PIN, 1) - 1;
    if (pin < 0 || pin > 3) return;
    const was = (this.irqState >> pin) & 1;
    const now = level ? 1 : 0;
    if (was === now) return;
    this.irqState = now ? this.irqState | (1 << pin) : this.irqState & ~(1 << pin);
    this.updateIrqStatus();
    if (!this.irqDisabled()) this.host?.intxChange(this, pin, now - was);
  }

  /** Drops every asserted INTx pin (pci_device_deassert_intx: MSI-X enable, reset). */
  deassertIntx(): void {
    for (let pin = 0; pin < 4; pin++)
      if ((this.irqState >> pin) & 1) {
        this.irqState &= ~(1 << pin);
        this.updateIrqStatus();
        if (!this.irqDisabled()) this.host?.intxChange(this, pin, -1);
      }
  }

  private irqDisabled(): boolean {
    return (this.command & PCI_COMMAND_INTX_DISABLE) !== 0;
  }

  private updateIrqStatus(): void {
    const s = this.cfg.get(PCI_STATUS, 1);
    this.cfg.set(
      PCI_STATUS,
      1,
      this.irqState ? s | PCI_STATUS_INTERRUPT : s & ~PCI_STATUS_INTERRUPT,
    );
  }

  /** pci_update_irq_disabled: toggling INTx Disable withdraws or re-asserts the pins' levels. */
  private updateIrqDisabled(was: boolean): void {
    const now = this.irqDisabled();
    if (now === was) return;
    for (let pin = 0; pin < 4; pin++)
      if ((this.irqState >> pin) & 1) this.host?.intxChange(this, pin, now ? -1 : 1);
  }

  /** pci_bar_address: where BAR `b` decodes now, or PCI_BAR_UNMAPPED. */
  private barAddress(b: PciBar): number {
    const cmd = this.command;
    const off = PCI_BASE_ADDRESS_0 + 4 * b.index;
    if (b.type & PCI_BASE_ADDRESS_SPACE_IO) {
      if (!(cmd & PCI_COMMAND_IO)) return PCI_BAR_UNMAPPED;
      const base = this.cfg.get(off, 4) - (this.cfg.get(off, 4) % b.size);
      const last = base + b.size - 1;
      // virt allows address 0 (pci_allow_0_address: port 0 decodes, measured); nothing may wrap past 4 GiB
      if (last <= base || last >= 0xffffffff) return PCI_BAR_UNMAPPED;
      return base;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) return PCI_BAR_UNMAPPED;
    const wide = !!(b.type & PCI_BASE_ADDRESS_MEM_TYPE_64);
    const hi = wide ? this.cfg.get(off + 4, 4) : 0;
    const lo = this.cfg.get(off, 4);
    const base = hi * 2 ** 32 + (lo - (lo % b.size));
    const last = base + b.size - 1;
    if (!wide && last >= 0xffffffff) return PCI_BAR_UNMAPPED;
    // 2^64 - 1 is QEMU's "unmapped"; beyond 2^53 no physical address here can reach it either
    if (!Number.isSafeInteger(last)) return PCI_BAR_UNMAPPED;
    return base;
  }

  /** pci_update_mappings: every BAR whose decode address changed moves. */
  protected updateMappings(): void {
    for (const b of this.bars) {
      if (!b) continue;
      const addr = this.barAddress(b);
      if (addr === b.addr) continue;
      b.addr = addr;
      this.host?.barMoved(b, !!(b.type & PCI_BASE_ADDRESS_SPACE_IO));
    }
  }

  /** pci_do_device_reset: command, status errors, line and cache-line size cleared, BARs back to type. */
  resetConfig(): void {
    this.deassertIntx();
    const c = this.cfg;
    const wasMaster = this.busMaster;
    c.set(PCI_COMMAND, 2, this.command & ~(c.wmask[PCI_COMMAND] | (c.wmask[PCI_COMMAND + 1] << 8)));
    c.set(
      PCI_STATUS,
      2,
      c.get(PCI_STATUS, 2) & ~(c.w1cmask[PCI_STATUS] | (c.w1cmask[PCI_STATUS + 1] << 8)),
    );
    c.set(PCI_INTERRUPT_LINE, 1, 0);
    c.set(PCI_CACHE_LINE_SIZE, 1, 0);
    for (const b of this.bars) {
      if (!b) continue;
      const off = PCI_BASE_ADDRESS_0 + 4 * b.index;
      c.set(off, 4, b.type);
      if (!(b.type & PCI_BASE_ADDRESS_SPACE_IO) && b.type & PCI_BASE_ADDRESS_MEM_TYPE_64)
        c.set(off + 4, 4, 0);
    }
    this.updateMappings();
    if (wasMaster) this.busMasterChanged(false);
  }

  /** Machine reset of the whole function (device state and config registers). */
  reset(): void {
    this.resetConfig();
  }
}
