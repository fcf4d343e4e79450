// virtio-mmio register offsets and values (virtio 1.2 §4.2.2, legacy §4.2.4; REFERENCE.md §4).
export const MAGIC_VALUE = 0x000;
export const VERSION = 0x004;
export const DEVICE_ID = 0x008;
export const VENDOR_ID = 0x00c;
export const DEVICE_FEATURES = 0x010;
export const DEVICE_FEATURES_SEL = 0x014;
export const DRIVER_FEATURES = 0x020;
export const DRIVER_FEATURES_SEL = 0x024;
export const GUEST_PAGE_SIZE = 0x028;
export const QUEUE_SEL = 0x030;
export const QUEUE_NUM_MAX = 0x034;
export const QUEUE_NUM = 0x038;
export const QUEUE_ALIGN = 0x03c;
export const QUEUE_PFN = 0x040;
export const QUEUE_READY = 0x044;
export const QUEUE_NOTIFY = 0x050;
export const INTERRUPT_STATUS = 0x060;
export const INTERRUPT_ACK = 0x064;
export const STATUS = 0x070;
export const QUEUE_DESC_LOW = 0x080;
export const QUEUE_DESC_HIGH = 0x084;
export const QUEUE_DRIVER_LOW = 0x090;
export const QUEUE_DRIVER_HIGH = 0x094;
export const QUEUE_DEVICE_LOW = 0x0a0;
export const QUEUE_DEVICE_HIGH = 0x0a4;
export const SHM_SEL = 0x0ac;
export const SHM_LEN_LOW = 0x0b0;
export const SHM_LEN_HIGH = 0x0b4;
export const SHM_BASE_LOW = 0x0b8;
export const SHM_BASE_HIGH = 0x0bc;
export const QUEUE_RESET = 0x0c0;
export const CONFIG_GENERATION = 0x0fc;
export const CONFIG = 0x100;

/** "virt" */
export const MAGIC = 0x74726976;
/** "QEMU" */
export const VENDOR = 0x554d4551;

export const STATUS_ACKNOWLEDGE = 0x01;
export const STATUS_DRIVER = 0x02;
export const STATUS_DRIVER_OK = 0x04;
export const STATUS_FEATURES_OK = 0x08;
export const STATUS_NEEDS_RESET = 0x40;
export const STATUS_FAILED = 0x80;
