// Device nodes of QEMU 7.2 hw/riscv/virt.c: create_fdt_{virtio,pcie,reset,uart,rtc,flash,fw_cfg,pmu}
// and target/riscv/pmu.c riscv_pmu_generate_fdt_node.

import type { FdtTree } from '@runikraft/fdt';
import { hi, lo } from './cpus';
import {
  FINISHER_PASS,
  FINISHER_RESET,
  GPEX_NUM_IRQS,
  MEMMAP,
  PCIE_IRQ,
  PCIE_MMCFG_SIZE_MIN,
  PMU_NUM,
  RTC_IRQ,
  UART_CLOCK,
  UART0_IRQ,
  VIRT64_HIGH_PCIE_MMIO_SIZE,
  VIRTIO_COUNT,
  VIRTIO_IRQ,
} from './layout';

/** The 8 virtio-mmio transports, created from slot 0 up (so listed from the highest address down). */
export function createVirtio(t: FdtTree, plic: number): void {
  const { base, size } = MEMMAP.virtio;
  for (let i = 0; i < VIRTIO_COUNT; i++) {
    const addr = base + i * size;
    const name = `/soc/virtio_mmio@${addr.toString(16)}`;
    t.addSubnode(name);
    t.setPropString(name, 'compatible', 'virtio,mmio');
    t.setPropCells(name, 'reg', [0, addr, 0, size]);
    t.setPropU32(name, 'interrupt-parent', plic);
    t.setPropU32(name, 'interrupts', VIRTIO_IRQ + i);
  }
}

/** The generic ECAM PCIe host; the 64-bit window sits at RAM end rounded up to 16 GiB. */
export function createPcie(t: FdtTree, plic: number, memoryBytes: number): void {
  const ecam = MEMMAP.pcieEcam;
  const name = `/soc/pci@${ecam.base.toString(16)}`;
  const high =
    Math.ceil((MEMMAP.dram.base + memoryBytes) / VIRT64_HIGH_PCIE_MMIO_SIZE) *
    VIRT64_HIGH_PCIE_MMIO_SIZE;
  const pio = MEMMAP.pciePio;
  const mmio = MEMMAP.pcieMmio;
  const s = VIRT64_HIGH_PCIE_MMIO_SIZE;
  t.addSubnode(name);
  t.setPropU32(name, '#address-cells', 3);
  t.setPropU32(name, '#interrupt-cells', 1);
  t.setPropU32(name, '#size-cells', 2);
  t.setPropString(name, 'compatible', 'pci-host-ecam-generic');
  t.setPropString(name, 'device_type', 'pci');
  t.setPropU32(name, 'linux,pci-domain', 0);
  t.setPropCells(name, 'bus-range', [0, ecam.size / PCIE_MMCFG_SIZE_MIN - 1]);
  t.setPropEmpty(name, 'dma-coherent');
  t.setPropCells(name, 'reg', [0, ecam.base, 0, ecam.size]);
  // biome-ignore format: one row per range or entry
  t.setPropCells(name, 'ranges', [
    0x1000000, 0, 0, 0, pio.base, 0, pio.size,
    0x2000000, 0, mmio.base, 0, mmio.base, 0, mmio.size,
    0x3000000, hi(high), lo(high), hi(high), lo(high), hi(s), lo(s),
  ]);
  const map: number[] = [];
  for (let dev = 0; dev < GPEX_NUM_IRQS; dev++) {
    const devfn = dev * 8;
    for (let pin = 0; pin < GPEX_NUM_IRQS; pin++)
      map.push(devfn << 8, 0, 0, pin + 1, plic, PCIE_IRQ + ((pin + dev) % GPEX_NUM_IRQS));
  }
  t.setPropCells(name, 'interrupt-map', map);
  t.setPropCells(name, 'interrupt-map-mask', [0x1800, 0, 0, 7]);
}

/** sifive_test plus the syscon reboot/poweroff nodes pointing at it. */
export function createReset(t: FdtTree, phandle: { next: number }): void {
  const testPhandle = phandle.next++;
  const { base, size } = MEMMAP.test;
  const name = `/soc/test@${base.toString(16)}`;
  t.addSubnode(name);
  t.setPropStringList(name, 'compatible', ['sifive,test1', 'sifive,test0', 'syscon']);
  t.setPropCells(name, 'reg', [0, base, 0, size]);
  t.setPropU32(name, 'phandle', testPhandle);
  const regmap = t.getPhandle(name);
  for (const [node, compat, value] of [
    ['/reboot', 'syscon-reboot', FINISHER_RESET],
    ['/poweroff', 'syscon-poweroff', FINISHER_PASS],
  ] as const) {
    t.addSubnode(node);
    t.setPropString(node, 'compatible', compat);
    t.setPropU32(node, 'regmap', regmap);
    t.setPropU32(node, 'offset', 0);
    t.setPropU32(node, 'value', value);
  }
}

/** The ns16550a UART and /chosen with stdout-path pointing at it. */
export function createUart(t: FdtTree, plic: number): void {
  const { base, size } = MEMMAP.uart0;
  const name = `/soc/serial@${base.toString(16)}`;
  t.addSubnode(name);
  t.setPropString(name, 'compatible', 'ns16550a');
  t.setPropCells(name, 'reg', [0, base, 0, size]);
  t.setPropU32(name, 'clock-frequency', UART_CLOCK);
  t.setPropU32(name, 'interrupt-parent', plic);
  t.setPropU32(name, 'interrupts', UART0_IRQ);
  t.addSubnode('/chosen');
  t.setPropString('/chosen', 'stdout-path', name);
}

/** The goldfish RTC. */
export function createRtc(t: FdtTree, plic: number): void {
  const { base, size } = MEMMAP.rtc;
  const name = `/soc/rtc@${base.toString(16)}`;
  t.addSubnode(name);
  t.setPropString(name, 'compatible', 'google,goldfish-rtc');
  t.setPropCells(name, 'reg', [0, base, 0, size]);
  t.setPropU32(name, 'interrupt-parent', plic);
  t.setPropU32(name, 'interrupts', RTC_IRQ);
}

/** The two CFI flash banks (one node) and fw-cfg. */
export function createFlashAndFwCfg(t: FdtTree): void {
  const f = MEMMAP.flash;
  const half = f.size / 2;
  let name = `/flash@${f.base.toString(16)}`;
  t.addSubnode(name);
  t.setPropString(name, 'compatible', 'cfi-flash');
  t.setPropCells(name, 'reg', [0, f.base, 0, half, 0, f.base + half, 0, half]);
  t.setPropU32(name, 'bank-width', 4);
  const c = MEMMAP.fwCfg;
  name = `/fw-cfg@${c.base.toString(16)}`;
  t.addSubnode(name);
  t.setPropString(name, 'compatible', 'qemu,fw-cfg-mmio');
  t.setPropCells(name, 'reg', [0, c.base, 0, c.size]);
  t.setPropEmpty(name, 'dma-coherent');
}

/** /pmu with the SBI PMU event-to-counter map (QEMU 7.2 places it at the root). */
export function createPmu(t: FdtTree): void {
  const cmask = ((2 ** PMU_NUM - 1) * 8) >>> 0; // MAKE_32BIT_MASK(3, pmu_num)
  t.addSubnode('/pmu');
  t.setPropString('/pmu', 'compatible', 'riscv,pmu');
  // biome-ignore format: one row per range or entry
  t.setPropCells('/pmu', 'riscv,event-to-mhpmcounters', [
    0x1, 0x1, cmask | (1 << 0),
    0x2, 0x2, cmask | (1 << 2),
    0x10019, 0x10019, cmask,
    0x1001b, 0x1001b, cmask,
    0x10021, 0x10021, cmask,
    0, 0, 0, 0, 0,
  ]);
}
