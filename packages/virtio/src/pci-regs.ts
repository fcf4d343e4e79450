// virtio-pci constants (virtio 1.2 §4.1: §4.1.2 device IDs, §4.1.4 capabilities and the common
// configuration structure, §4.1.4.8 the legacy BAR0 layout). Names as Linux's virtio_pci.h.

export const VIRTIO_PCI_VENDOR_ID = 0x1af4;
/** Transitional devices use 0x1000..0x103f (the subsystem ID names the type); modern 0x1040 + type. */
export const VIRTIO_PCI_DEVICE_ID_TRANS_FIRST = 0x1000;
export const VIRTIO_PCI_DEVICE_ID_TRANS_LAST = 0x103f;
export const VIRTIO_PCI_DEVICE_ID_MODERN_BASE = 0x1040;
export const VIRTIO_PCI_DEVICE_ID_LAST = 0x107f;

/** cfg_type of a vendor-specific capability. */
export const VIRTIO_PCI_CAP_COMMON_CFG = 1;
export const VIRTIO_PCI_CAP_NOTIFY_CFG = 2;
export const VIRTIO_PCI_CAP_ISR_CFG = 3;
export const VIRTIO_PCI_CAP_DEVICE_CFG = 4;
export const VIRTIO_PCI_CAP_PCI_CFG = 5;

/** struct virtio_pci_cap field offsets; the notify cap appends notify_off_multiplier. */
export const VIRTIO_PCI_CAP_CFG_TYPE = 3;
export const VIRTIO_PCI_CAP_BAR = 4;
export const VIRTIO_PCI_CAP_OFFSET = 8;
export const VIRTIO_PCI_CAP_LENGTH = 12;
export const VIRTIO_PCI_NOTIFY_CAP_MULT = 16;

/** struct virtio_pci_common_cfg. */
export const VIRTIO_PCI_COMMON_DFSELECT = 0x00;
export const VIRTIO_PCI_COMMON_DF = 0x04;
export const VIRTIO_PCI_COMMON_GFSELECT = 0x08;
export const VIRTIO_PCI_COMMON_GF = 0x0c;
export const VIRTIO_PCI_COMMON_MSIX = 0x10;
export const VIRTIO_PCI_COMMON_NUMQ = 0x12;
export const VIRTIO_PCI_COMMON_STATUS = 0x14;
export const VIRTIO_PCI_COMMON_CFGGENERATION = 0x15;
export const VIRTIO_PCI_COMMON_Q_SELECT = 0x16;
export const VIRTIO_PCI_COMMON_Q_SIZE = 0x18;
export const VIRTIO_PCI_COMMON_Q_MSIX = 0x1a;
export const VIRTIO_PCI_COMMON_Q_ENABLE = 0x1c;
export const VIRTIO_PCI_COMMON_Q_NOFF = 0x1e;
export const VIRTIO_PCI_COMMON_Q_DESCLO = 0x20;
export const VIRTIO_PCI_COMMON_Q_DESCHI = 0x24;
export const VIRTIO_PCI_COMMON_Q_AVAILLO = 0x28;
export const VIRTIO_PCI_COMMON_Q_AVAILHI = 0x2c;
export const VIRTIO_PCI_COMMON_Q_USEDLO = 0x30;
export const VIRTIO_PCI_COMMON_Q_USEDHI = 0x34;
/** The smallest common structure the driver needs (through queue_device). */
export const VIRTIO_PCI_COMMON_CFG_SIZE = 0x38;

/** Legacy header in BAR0 (I/O). Device config follows at 0x14 while MSI-X is off (it stays off here). */
export const VIRTIO_PCI_HOST_FEATURES = 0x00;
export const VIRTIO_PCI_GUEST_FEATURES = 0x04;
export const VIRTIO_PCI_QUEUE_PFN = 0x08;
export const VIRTIO_PCI_QUEUE_NUM = 0x0c;
export const VIRTIO_PCI_QUEUE_SEL = 0x0e;
export const VIRTIO_PCI_QUEUE_NOTIFY = 0x10;
export const VIRTIO_PCI_STATUS = 0x12;
export const VIRTIO_PCI_ISR = 0x13;
export const VIRTIO_PCI_CONFIG_OFF = 0x14;
/** Legacy queue addresses are page frame numbers of 4 KiB pages. */
export const VIRTIO_PCI_QUEUE_ADDR_SHIFT = 12;

/** Transitional PCI device ID → virtio device type (virtio 1.2 §4.1.2.1, the legacy table). */
export const VIRTIO_PCI_TRANSITIONAL_TYPES: Record<number, number> = {
  4096: 1, // network
  4097: 2, // block
  4098: 5, // memory balloon
  4099: 3, // console
  4100: 8, // SCSI host
  4101: 4, // entropy
  4105: 9, // 9P transport
};
