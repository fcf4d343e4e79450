// PCI configuration-space offsets and bits (PCI Local Bus 3.0 §6, Linux include/uapi/linux/pci_regs.h
// spellings) and the virt machine's PCIe host constants (QEMU 7.2 hw/riscv/virt.c, REFERENCE.md §1–2).
export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_REVISION_ID = 0x08;
export const PCI_CLASS_PROG = 0x09;
export const PCI_CACHE_LINE_SIZE = 0x0c;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_BASE_ADDRESS_0 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_ROM_ADDRESS = 0x30;
export const PCI_CAPABILITY_LIST = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;
/** End of the type-0 header; capabilities go from here. */
export const PCI_CONFIG_HEADER_SIZE = 0x40;
/** Conventional config space (QEMU gives a non-express function 256 bytes, also behind ECAM). */
export const PCI_CONFIG_SPACE_SIZE = 0x100;

export const PCI_COMMAND_IO = 0x1;
export const PCI_COMMAND_MEMORY = 0x2;
export const PCI_COMMAND_MASTER = 0x4;
export const PCI_COMMAND_SERR = 0x100;
export const PCI_COMMAND_INTX_DISABLE = 0x400;

export const PCI_STATUS_INTERRUPT = 0x08;
export const PCI_STATUS_CAP_LIST = 0x10;
/** Error bits a driver clears by writing 1 (QEMU pci_init_w1cmask). */
export const PCI_STATUS_W1C = 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000;

export const PCI_HEADER_TYPE_MULTI_FUNCTION = 0x80;

export const PCI_BASE_ADDRESS_SPACE_IO = 0x01;
export const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;
export const PCI_BASE_ADDRESS_MEM_PREFETCH = 0x08;

export const PCI_CAP_ID_MSIX = 0x11;
export const PCI_CAP_ID_VNDR = 0x09;

/** 6 BARs (the expansion ROM is not modelled: no option ROM runs on this machine). */
export const PCI_NUM_BARS = 6;
export const PCI_SLOT_MAX = 32;
export const PCI_FUNC_MAX = 8;
/** A BAR that decodes nothing (QEMU PCI_BAR_UNMAPPED). */
export const PCI_BAR_UNMAPPED = -1;

/** Red Hat / Qumranet (virtio) and Red Hat (QEMU's own devices). */
export const PCI_VENDOR_ID_REDHAT_QUMRANET = 0x1af4;
export const PCI_VENDOR_ID_REDHAT = 0x1b36;
export const PCI_DEVICE_ID_REDHAT_PCIE_HOST = 0x0008;
/** QEMU's default subsystem: 1af4:1100. */
export const PCI_SUBDEVICE_ID_QEMU = 0x1100;
export const PCI_CLASS_BRIDGE_HOST = 0x0600;

/** virt's PCIe windows (REFERENCE.md §1): ECAM, PIO, 32-bit MMIO; 64-bit MMIO sits above RAM. */
export const VIRT_PCIE_ECAM = 0x30000000;
export const VIRT_PCIE_ECAM_SIZE = 0x10000000;
export const VIRT_PCIE_PIO = 0x03000000;
export const VIRT_PCIE_PIO_SIZE = 0x10000;
export const VIRT_PCIE_MMIO = 0x40000000;
export const VIRT_PCIE_MMIO_SIZE = 0x40000000;
export const VIRT64_HIGH_PCIE_MMIO_SIZE = 16 * 2 ** 30;
/** PLIC sources of INTA..INTD (virt.h PCIE_IRQ). */
export const VIRT_PCIE_IRQ = 0x20;
export const GPEX_NUM_IRQS = 4;

/** Base of the 64-bit window: RAM's end rounded up to 16 GiB (virt_machine_init). */
export function virtHighPcieMmioBase(dramBase: number, memoryBytes: number): number {
  return (
    Math.ceil((dramBase + memoryBytes) / VIRT64_HIGH_PCIE_MMIO_SIZE) * VIRT64_HIGH_PCIE_MMIO_SIZE
  );
}
