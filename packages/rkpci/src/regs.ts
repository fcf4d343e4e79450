// PCI configuration-space offsets and bits (PCI Local Bus 3.0 §6.1–6.2, PCI-to-PCI Bridge 1.2 §3.2,
// PCIe 4.0 §7.2.2 ECAM). Names as Linux's include/uapi/linux/pci_regs.h, which Unikraft's pci_bus uses.

export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_CLASS_REVISION = 0x08;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_BASE_ADDRESS_0 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_CAPABILITY_LIST = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;

/** Type 1 (bridge) header. */
export const PCI_PRIMARY_BUS = 0x18;
export const PCI_SECONDARY_BUS = 0x19;
export const PCI_SUBORDINATE_BUS = 0x1a;
export const PCI_IO_BASE = 0x1c;
export const PCI_IO_LIMIT = 0x1d;
export const PCI_MEMORY_BASE = 0x20;
export const PCI_MEMORY_LIMIT = 0x22;
export const PCI_PREF_MEMORY_BASE = 0x24;
export const PCI_PREF_MEMORY_LIMIT = 0x26;
export const PCI_PREF_BASE_UPPER32 = 0x28;
export const PCI_PREF_LIMIT_UPPER32 = 0x2c;
export const PCI_IO_BASE_UPPER16 = 0x30;
export const PCI_IO_LIMIT_UPPER16 = 0x32;

export const PCI_COMMAND_IO = 0x1;
export const PCI_COMMAND_MEMORY = 0x2;
export const PCI_COMMAND_MASTER = 0x4;
export const PCI_COMMAND_INTX_DISABLE = 0x400;
export const PCI_STATUS_CAP_LIST = 0x10;
export const PCI_STATUS_INTERRUPT = 0x08;

export const PCI_HEADER_TYPE_MASK = 0x7f;
export const PCI_HEADER_TYPE_NORMAL = 0;
export const PCI_HEADER_TYPE_BRIDGE = 1;
export const PCI_HEADER_TYPE_MULTIFUNC = 0x80;

export const PCI_BASE_ADDRESS_SPACE_IO = 0x1;
export const PCI_BASE_ADDRESS_MEM_TYPE_MASK = 0x6;
export const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x4;
export const PCI_BASE_ADDRESS_MEM_PREFETCH = 0x8;

export const PCI_CAP_ID_MSI = 0x05;
export const PCI_CAP_ID_VNDR = 0x09;
export const PCI_CAP_ID_EXP = 0x10;
export const PCI_CAP_ID_MSIX = 0x11;

/** Class code of a host bridge (base 0x06, sub 0x00) and a PCI-to-PCI bridge (0x06, 0x04). */
export const PCI_CLASS_BRIDGE_HOST = 0x0600;
export const PCI_CLASS_BRIDGE_PCI = 0x0604;

/** Devices per bus, functions per device, bytes of conventional (and ECAM) config space per function. */
export const PCI_MAX_DEVICES = 32;
export const PCI_MAX_FUNCTIONS = 8;
export const PCI_CFG_SPACE_SIZE = 256;
export const PCI_CFG_SPACE_EXP_SIZE = 4096;

/** ECAM: function config space at base + (bus << 20 | dev << 15 | fn << 12 | offset). */
export const ECAM_BUS_SHIFT = 20;
export const ECAM_DEV_SHIFT = 15;
export const ECAM_FN_SHIFT = 12;

/** Bridge window granularity: memory windows are 1 MiB aligned, I/O windows 4 KiB. */
export const PCI_BRIDGE_MEM_ALIGN = 0x100000;
export const PCI_BRIDGE_IO_ALIGN = 0x1000;
/** Lowest I/O port assigned (Linux's PCIBIOS_MIN_IO): keeps BARs off port 0 and the ISA range. */
export const PCIBIOS_MIN_IO = 0x1000;
