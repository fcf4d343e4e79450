// The `virt` machine's memory map and interrupt numbers (QEMU 7.2 hw/riscv/virt.c, include/hw/riscv/virt.h).
// Shared by the machine (which decodes these ranges) and by tests; the kernel discovers them from the DT.

export const VIRT_MROM = 0x1000;
export const VIRT_TEST = 0x100000;
export const VIRT_RTC = 0x101000;
export const VIRT_CLINT = 0x2000000;
export const VIRT_ACLINT_SSWI = 0x2f00000;
export const VIRT_PLIC = 0xc000000;
export const VIRT_PLIC_SIZE = 0x600000;
export const VIRT_UART0 = 0x10000000;
export const VIRT_VIRTIO = 0x10001000;
export const VIRT_VIRTIO_SLOT_SIZE = 0x1000;
export const VIRT_VIRTIO_COUNT = 8;
export const VIRT_FW_CFG = 0x10100000;
/** Two CFI flash banks of 32 MiB each (pflash0, pflash1). */
export const VIRT_FLASH = 0x20000000;
export const VIRT_FLASH_BANK_SIZE = 0x2000000;
export const VIRT_DRAM = 0x80000000;

export const UART0_IRQ = 10;
export const RTC_IRQ = 11;
export const VIRTIO_IRQ = 1;
export const VIRT_PLIC_NDEV = 95;

/** mtime frequency (RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ). */
export const VIRT_TIMEBASE_FREQ = 10_000_000;

/** sifive_test finisher commands. */
export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;
