// Assembles the RkPlat for this machine from the device tree and the drivers, and installs the trap handler.
import type { Fdt } from '@runikraft/fdt';
import type { RkBootInfo, RkPlat } from '@runikraft/rkplat';
import {
  CSR_MIE,
  CSR_SIE,
  CSR_SIP,
  IRQ_M_EXT,
  IRQ_M_SOFT,
  IRQ_M_TIMER,
  IRQ_S_EXT,
  IRQ_S_SOFT,
  IRQ_S_TIMER,
  MIP_MEIP,
  MIP_SEIP,
  MIP_SSIP,
} from '../isa/csr';
import type { Hart } from '../isa/hart';
import { PlatDevices } from './devices';
import type { PlatDesc } from './discover';
import { PlatIrq } from './irq';
import { PlatLcpu } from './lcpu';
import { computeRegions, type UsedRange } from './memregions';
import { PlicDriver } from './plic';
import { PlatPower } from './power';
import { readGoldfishRtc } from './rtc';
import { PlatTimer } from './timer';
import { Ns16550Console } from './uart';

const EXC_NAMES: Record<number, string> = {
  0: 'instruction address misaligned',
  1: 'instruction access fault',
  2: 'illegal instruction',
  3: 'breakpoint',
  4: 'load address misaligned',
  5: 'load access fault',
  6: 'store address misaligned',
  7: 'store access fault',
  8: 'ecall from U-mode',
  9: 'ecall from S-mode',
  11: 'ecall from M-mode',
};

/** The platform plus the hooks the entry needs (trap panics go to `onFatalTrap`). */
export interface QemuRiscvPlat extends RkPlat {
  readonly rngSeed: Uint8Array | undefined;
  /** Set by the boot code: how an unexpected exception is reported (rkdebug's panic once it exists). */
  onFatalTrap: (reason: string) => never;
}

export function createPlatform(
  hart: Hart,
  fdt: Fdt,
  desc: PlatDesc,
  dtbAddr: number,
): QemuRiscvPlat {
  const ram = hart.ram;
  const uart = new Ns16550Console(hart, desc.uart.base);
  const plic = new PlicDriver(hart, desc.plic.base, desc.plic.context, desc.plic.ndev);
  const timer = new PlatTimer(
    hart,
    hart.mode === 'M'
      ? { kind: 'clint', mtimecmp: desc.mtimecmp! }
      : desc.sstc
        ? { kind: 'sstc' }
        : { kind: 'sbi' },
    desc.timebase,
  );
  const irq = new PlatIrq(plic);
  const lcpu = new PlatLcpu(hart, timer, desc.ncpus);
  const power = new PlatPower(hart, desc.finisher?.base ?? null);
  const dtb = ram.u8.subarray(dtbAddr - ram.base, dtbAddr - ram.base + fdt.bytes.length);

  const used: UsedRange[] = desc.reserved.map((r) => ({ ...r, type: 'reserved' as const }));
  used.push({ base: dtbAddr, size: fdt.bytes.length, type: 'devicetree', name: 'dtb' });
  if (desc.initrd)
    used.push({
      base: desc.initrd.start,
      size: desc.initrd.end - desc.initrd.start,
      type: 'initrd',
      name: 'initrd',
    });
  const regions = computeRegions(desc.memory, used);
  const enc = new TextEncoder();

  const bootinfo: RkBootInfo = {
    cmdline: desc.cmdline,
    dtbAddr,
    dtb,
    initrd: desc.initrd,
    bootMode: hart.mode === 'S' ? 'sbi' : 'bare',
  };
  const plat: QemuRiscvPlat = {
    name: 'qemu-riscv',
    rngSeed: desc.rngSeed,
    onFatalTrap(reason) {
      const frames = (new Error(reason).stack ?? '')
        .split('\n')
        .slice(2)
        .map((l) => `    ${l.trim()}`);
      plat.console.out(`PANIC: ${reason}\n  backtrace:\n${frames.join('\n')}\n`);
      return power.crash(1);
    },
    memory: { regions: () => regions, phys: ram },
    console: {
      out: (data) => uart.putBytes(typeof data === 'string' ? enc.encode(data) : data),
      in: (buf) => uart.read(buf),
      onInput: (l) => uart.onInput(l),
    },
    time: {
      monotonicNs: () => timer.nowNs(),
      wallClockNs: () => (desc.rtc ? readGoldfishRtc(hart, desc.rtc.base) : BigInt(timer.nowNs())),
      resolutionNs: timer.resolutionNs,
      setTimer: (deadline, handler) => timer.set(deadline, handler),
      cancelTimer: () => timer.cancel(),
    },
    irq,
    lcpu,
    power,
    bootinfo,
    devices: new PlatDevices(hart, fdt),
  };

  uart.init();
  plic.init();
  timer.init();
  irq.register(desc.uart.irq, () => uart.handleIrq());
  hart.csrs(
    hart.mode === 'M' ? CSR_MIE : CSR_SIE,
    hart.mode === 'M' ? MIP_MEIP : MIP_SEIP | MIP_SSIP,
  );
  hart.setTrapVector((code, interrupt, tval) => {
    if (!interrupt)
      return plat.onFatalTrap(
        `unhandled trap: ${EXC_NAMES[code] ?? `exception ${code}`} (tval 0x${tval.toString(16)})`,
      );
    switch (code) {
      case IRQ_S_TIMER:
      case IRQ_M_TIMER:
        return timer.handleIrq();
      case IRQ_S_EXT:
      case IRQ_M_EXT:
        return irq.dispatchExternal();
      case IRQ_S_SOFT:
        hart.csrc(CSR_SIP, MIP_SSIP);
        return;
      case IRQ_M_SOFT:
        return;
    }
  });
  return plat;
}
