// The `virt` memory map and DT constants of QEMU 7.2 (hw/riscv/virt.c virt_memmap[], include/hw/riscv/virt.h).

export const MEMMAP = {
  test: { base: 0x100000, size: 0x1000 },
  rtc: { base: 0x101000, size: 0x1000 },
  clint: { base: 0x2000000, size: 0x10000 },
  aclintSswi: { base: 0x2f00000, size: 0x4000 },
  pciePio: { base: 0x3000000, size: 0x10000 },
  platformBus: { base: 0x4000000, size: 0x2000000 },
  plic: { base: 0xc000000, size: 0x600000 },
  uart0: { base: 0x10000000, size: 0x100 },
  virtio: { base: 0x10001000, size: 0x1000 },
  fwCfg: { base: 0x10100000, size: 0x18 },
  flash: { base: 0x20000000, size: 0x4000000 },
  pcieEcam: { base: 0x30000000, size: 0x10000000 },
  pcieMmio: { base: 0x40000000, size: 0x40000000 },
  dram: { base: 0x80000000 },
} as const;

export const VIRTIO_COUNT = 8;
export const VIRTIO_IRQ = 1;
export const UART0_IRQ = 10;
export const RTC_IRQ = 11;
export const PCIE_IRQ = 0x20;
export const GPEX_NUM_IRQS = 4;
/** QEMU 7.2 writes VIRT_IRQCHIP_NUM_SOURCES (96) into `riscv,ndev` (later QEMU writes 95). */
export const PLIC_NDEV = 96;
export const TIMEBASE_FREQ = 10_000_000;
export const UART_CLOCK = 3_686_400;
export const VIRT64_HIGH_PCIE_MMIO_SIZE = 16 * 1024 * 1024 * 1024;
export const PCIE_MMCFG_SIZE_MIN = 0x100000;
export const ACLINT_SWI_SIZE = 0x4000;
export const ACLINT_MTIME = 0x7ff8;
export const ACLINT_MTIMECMP = 0x0;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

/** Local interrupt numbers on the hart's intc (RISC-V privileged spec mip bits). */
export const IRQ_S_SOFT = 1;
export const IRQ_M_SOFT = 3;
export const IRQ_M_TIMER = 7;
export const IRQ_S_EXT = 9;
export const IRQ_M_EXT = 11;

/** The hart QEMU 7.2's default `rv64` CPU advertises. */
export const RISCV_ISA = 'rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc';
export const MMU_TYPE = 'riscv,sv48';
/** Number of PMU counters of the default CPU (cfg.pmu_num). */
export const PMU_NUM = 16;
