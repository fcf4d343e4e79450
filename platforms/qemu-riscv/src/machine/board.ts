// The `virt` board's devices on the physical bus (QEMU hw/riscv/virt.c virt_machine_init, REFERENCE.md §1–2):
// RAM, MROM, finisher, RTC, CLINT/ACLINT, PLIC, UART0, fw_cfg, the two flash banks and the 8 virtio-mmio
// transports, wired to the PLIC.
import type { GuestRam } from '../isa/hart';
import {
  RTC_IRQ,
  UART0_IRQ,
  VIRT_ACLINT_SSWI,
  VIRT_CLINT,
  VIRT_DRAM,
  VIRT_FLASH,
  VIRT_FLASH_BANK_SIZE,
  VIRT_FW_CFG,
  VIRT_MROM,
  VIRT_PLIC,
  VIRT_RTC,
  VIRT_TEST,
  VIRT_UART0,
  VIRT_VIRTIO_COUNT,
} from '../isa/memmap';
import type { BlockBackend } from './backends/blk/backend';
import { PhysBus } from './bus';
import type { MachineClock } from './clock';
import { type ClintHart, MTimer, Swi } from './devices/clint';
import { type PowerControl, SifiveTest } from './devices/finisher';
import { FwCfg } from './devices/fw-cfg';
import type { FwCfgUserItem } from './devices/fw-cfg-items';
import { MaskRom } from './devices/mrom';
import { PflashCfi01 } from './devices/pflash-cfi01';
import { Plic } from './devices/plic';
import { GoldfishRtc } from './devices/rtc';
import { Uart16550, type UartTx } from './devices/uart';
import type { LogItem } from './options';
import { GpexHost } from './pci/host';
import {
  GPEX_NUM_IRQS,
  VIRT_PCIE_ECAM,
  VIRT_PCIE_ECAM_SIZE,
  VIRT_PCIE_IRQ,
  VIRT_PCIE_MMIO,
  VIRT_PCIE_MMIO_SIZE,
  VIRT_PCIE_PIO,
  VIRT_PCIE_PIO_SIZE,
  VIRT64_HIGH_PCIE_MMIO_SIZE,
  virtHighPcieMmioBase,
} from './pci/regs';
import { createGpexRoot } from './pci/root';
import { PciWindow } from './pci/window';
import { virtioSlotBase, virtioSlotIrq } from './virtio-mmio/placement';
import { VirtioMmioTransport } from './virtio-mmio/transport';
import { VirtioPciFunction } from './virtio-pci/transport';

/**
 * Creates guest RAM: one SharedArrayBuffer at 0x80000000 (from `allocate`: the machine's guest realm),
 * viewed as one Uint8Array.
 * @throws RangeError "memory: cannot set up guest memory …" when the host cannot allocate it or the
 * size passes the typed-array limit of this Node (V8: 4 GiB on Node 20), as QEMU reports its mmap failure.
 */
export function createRam(
  size: number,
  allocate: (size: number) => SharedArrayBuffer = (n) => new SharedArrayBuffer(n),
): GuestRam {
  const mib = `${size / 2 ** 20} MiB`;
  let buffer: SharedArrayBuffer;
  let u8: Uint8Array;
  try {
    buffer = allocate(size);
  } catch (e) {
    throw new RangeError(`memory: cannot set up guest memory of ${mib}: ${(e as Error).message}`);
  }
  try {
    u8 = new Uint8Array(buffer);
  } catch {
    throw new RangeError(
      `memory: cannot set up guest memory of ${mib}: the model keeps RAM in one typed array and this Node (V8) limits one to ${2 ** 32 / 2 ** 20} MiB; use -m 4G or less (dumpdtb works at any size)`,
    );
  }
  return { buffer, base: VIRT_DRAM, size, u8, view: new DataView(buffer) };
}

export interface BoardConfig {
  ram: GuestRam;
  clock: MachineClock;
  harts: readonly ClintHart[];
  aclint: boolean;
  legacyVirtio: boolean;
  rtcEpochNs: bigint;
  /** What the RTC follows: the machine clock ('vm') or host time ('host', read with `hostNs`). */
  rtcFollow?: 'vm' | 'host';
  hostNs?: () => number;
  tx: UartTx;
  power: PowerControl;
  /** Trace lines; those of a `-d` item name it (guest errors the devices reject, unimplemented features). */
  log: (line: string, item?: LogItem) => void;
  /** `-fw_cfg` items, already checked (checkUserItem). */
  fwCfg?: readonly FwCfgUserItem[];
  /** Holds the virtual clock while a device's host work is in flight (HostScheduler.beginHostWork). */
  hostWork?: () => () => void;
  /** `-drive if=pflash,unit=0|1` backings; a missing one leaves that bank unbacked (reads 0). */
  pflash?: readonly (BlockBackend | null | undefined)[];
}

export class Board {
  readonly bus: PhysBus;
  readonly mrom = new MaskRom();
  readonly plic: Plic;
  readonly mtimer: MTimer;
  readonly mswi: Swi;
  readonly sswi: Swi | null;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  readonly finisher: SifiveTest;
  readonly fwCfg: FwCfg;
  readonly flash: readonly [PflashCfi01, PflashCfi01];
  readonly virtio: VirtioMmioTransport[] = [];
  /** The PCIe host bridge (gpex): 00:00.0 is its own function; devices plug with `pci.plug`. */
  readonly pci: GpexHost;

  constructor(c: BoardConfig) {
    this.bus = new PhysBus(c.ram);
    this.plic = new Plic(c.harts);
    const line = (src: number) => (level: boolean) => this.plicInput(src, level);
    this.mtimer = new MTimer(c.clock, c.harts);
    this.mswi = new Swi(c.harts, false);
    this.sswi = c.aclint ? new Swi(c.harts, true) : null;
    this.uart = new Uart16550(c.clock, line(UART0_IRQ), c.tx);
    this.rtc = new GoldfishRtc(c.clock, line(RTC_IRQ), c.rtcEpochNs, c.rtcFollow, c.hostNs);
    this.finisher = new SifiveTest(c.power);
    const guestError = (l: string) => c.log(l, 'guest_errors');
    this.plic.guestError = guestError;
    this.rtc.guestError = guestError;
    this.finisher.guestError = guestError;
    this.fwCfg = new FwCfg(c.ram, c.harts.length, c.fwCfg);
    this.flash = [
      new PflashCfi01('virt.flash0', c.pflash?.[0] ?? null, c.log),
      new PflashCfi01('virt.flash1', c.pflash?.[1] ?? null, c.log),
    ];
    const b = this.bus;
    b.guestError = guestError;
    b.map(VIRT_MROM, this.mrom);
    b.map(VIRT_TEST, this.finisher);
    b.map(VIRT_RTC, this.rtc);
    b.map(VIRT_CLINT, this.mswi);
    b.map(VIRT_CLINT + 0x4000, this.mtimer);
    if (this.sswi) b.map(VIRT_ACLINT_SSWI, this.sswi);
    b.map(VIRT_PLIC, this.plic);
    b.map(VIRT_UART0, this.uart);
    b.map(VIRT_FW_CFG, this.fwCfg.data);
    b.map(VIRT_FW_CFG + 8, this.fwCfg.ctl);
    b.map(VIRT_FW_CFG + 16, this.fwCfg.dma);
    b.map(VIRT_FLASH, this.flash[0]);
    b.map(VIRT_FLASH + VIRT_FLASH_BANK_SIZE, this.flash[1]);
    for (let s = 0; s < VIRT_VIRTIO_COUNT; s++) {
      const t = new VirtioMmioTransport(
        s,
        c.legacyVirtio,
        c.ram,
        line(virtioSlotIrq(s)),
        guestError,
        c.hostWork,
      );
      t.runState = this.runState;
      this.virtio.push(t);
      b.map(virtioSlotBase(s), t);
    }
    this.pci = new GpexHost(
      VIRT_PCIE_ECAM_SIZE,
      Array.from({ length: GPEX_NUM_IRQS }, (_, i) => line(VIRT_PCIE_IRQ + i)),
    );
    this.pci.plug(createGpexRoot(), { slot: 0 });
    b.map(VIRT_PCIE_PIO, new PciWindow('gpex_ioport_window', VIRT_PCIE_PIO_SIZE, this.pci.io, 0));
    b.map(VIRT_PCIE_ECAM, this.pci.ecam);
    b.map(
      VIRT_PCIE_MMIO,
      new PciWindow('gpex_mmio_window', VIRT_PCIE_MMIO_SIZE, this.pci.mem, VIRT_PCIE_MMIO),
    );
    const high = virtHighPcieMmioBase(VIRT_DRAM, c.ram.size);
    b.map(
      high,
      new PciWindow('gpex_mmio_window_high', VIRT64_HIGH_PCIE_MMIO_SIZE, this.pci.mem, high),
    );
  }

  /** The virtio-pci functions plugged so far. */
  get virtioPci(): VirtioPciFunction[] {
    return this.pci.functions.filter((f): f is VirtioPciFunction => f instanceof VirtioPciFunction);
  }

  /** The VM's run state (QEMU runstate): false with -S until the image starts. */
  readonly runState = { running: true };

  /** Starts or stops the VM; starting processes what devices deferred while it was stopped. */
  setVmRunning(running: boolean): void {
    if (this.runState.running === running) return;
    this.runState.running = running;
    if (running) {
      for (const t of this.virtio) t.vmStarted();
      for (const f of this.virtioPci) f.vmStarted();
    }
  }

  get vmRunning(): boolean {
    return this.runState.running;
  }

  /** Observes every PLIC source line a device drives (qtest's irq_intercept_in), or null. */
  plicTap: ((source: number, level: boolean) => void) | null = null;

  /** A device's (or qtest's set_irq_in) level on PLIC source `source`. */
  plicInput(source: number, level: boolean): void {
    this.plicTap?.(source, level);
    this.plic.setIrq(source, level);
  }

  /** System reset of every device (qemu_system_reset); RAM is untouched. */
  reset(): void {
    this.plic.reset();
    this.mtimer.reset();
    this.uart.reset();
    this.rtc.reset();
    this.fwCfg.reset();
    for (const f of this.flash) f.reset();
    for (const t of this.virtio) t.resetAll();
    this.pci.reset();
  }
}
