// virtio-mmio register offsets and status bits (virtio 1.2 §4.2.2, §2.1; REFERENCE §4).

export const VIRTIO_MMIO_MAGIC_VALUE = 0x000;
export const VIRTIO_MMIO_VERSION = 0x004;
export const VIRTIO_MMIO_DEVICE_ID = 0x008;
export const VIRTIO_MMIO_VENDOR_ID = 0x00c;
export const VIRTIO_MMIO_DEVICE_FEATURES = 0x010;
export const VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014;
export const VIRTIO_MMIO_DRIVER_FEATURES = 0x020;
export const VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024;
export const VIRTIO_MMIO_GUEST_PAGE_SIZE = 0x028;
export const VIRTIO_MMIO_QUEUE_SEL = 0x030;
export const VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034;
export const VIRTIO_MMIO_QUEUE_NUM = 0x038;
export const VIRTIO_MMIO_QUEUE_ALIGN = 0x03c;
export const VIRTIO_MMIO_QUEUE_PFN = 0x040;
export const VIRTIO_MMIO_QUEUE_READY = 0x044;
export const VIRTIO_MMIO_QUEUE_NOTIFY = 0x050;
export const VIRTIO_MMIO_INTERRUPT_STATUS = 0x060;
export const VIRTIO_MMIO_INTERRUPT_ACK = 0x064;
export const VIRTIO_MMIO_STATUS = 0x070;
export const VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080;
export const VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084;
export const VIRTIO_MMIO_QUEUE_AVAIL_LOW = 0x090;
export const VIRTIO_MMIO_QUEUE_AVAIL_HIGH = 0x094;
export const VIRTIO_MMIO_QUEUE_USED_LOW = 0x0a0;
export const VIRTIO_MMIO_QUEUE_USED_HIGH = 0x0a4;
export const VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc;
export const VIRTIO_MMIO_CONFIG = 0x100;

export const VIRTIO_MMIO_MAGIC = 0x74726976;
export const VIRTIO_MMIO_INT_VRING = 0x1;
export const VIRTIO_MMIO_INT_CONFIG = 0x2;

export const VIRTIO_CONFIG_S_ACKNOWLEDGE = 0x01;
export const VIRTIO_CONFIG_S_DRIVER = 0x02;
export const VIRTIO_CONFIG_S_DRIVER_OK = 0x04;
export const VIRTIO_CONFIG_S_FEATURES_OK = 0x08;
export const VIRTIO_CONFIG_S_NEEDS_RESET = 0x40;
export const VIRTIO_CONFIG_S_FAILED = 0x80;

export const VIRTIO_ID_NET = 1;
export const VIRTIO_ID_BLOCK = 2;
export const VIRTIO_ID_RNG = 4;
export const VIRTIO_ID_9P = 9;

export const VIRTIO_F_RING_INDIRECT_DESC = 28;
export const VIRTIO_F_RING_EVENT_IDX = 29;
export const VIRTIO_F_VERSION_1 = 32;

export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
export const VIRTQ_USED_F_NO_NOTIFY = 1;

/** Page size the legacy interface uses for QueuePFN (Linux writes 4096). */
export const VIRTIO_LEGACY_PAGE = 4096;
