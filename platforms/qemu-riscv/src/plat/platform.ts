// Assembles the RkPlat for this machine from the device tree and the drivers, and installs the trap handler.
import { type Fdt, utf8Encode } from '@runikraft/fdt';
import type { RkBootInfo, RkPlat } from '@runikraft/rkplat';
import type { Hart } from '../isa/hart';
import { PlatCpu } from './cpu';
import { PlatDevices } from './devices';
import type { PlatDesc } from './discover';
import { SmpLcpu } from './lcpu';
import { computeRegions, type UsedRange } from './memregions';
import { PlatPower } from './power';
import { readGoldfishRtc } from './rtc';
import { PlatSmp } from './smp';
import { Ns16550Console } from './uart';

/** The platform plus the hooks the entry needs (trap panics go to `onFatalTrap`). */
export interface QemuRiscvPlat extends RkPlat {
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
  const smp = new PlatSmp(fdt, dtbAddr, desc.ncpus, (reason) => plat.onFatalTrap(reason));
  const boot = new PlatCpu(hart, desc, smp);
  smp.attachBoot(boot);
  const { timer, irq } = boot;
  // One CPU: the hart's own lcpu, no indirection; more: each call goes to the CPU that runs now.
  const lcpu = desc.ncpus > 1 ? new SmpLcpu(smp) : boot.lcpu;
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

  const bootinfo: RkBootInfo = {
    cmdline: desc.cmdline,
    dtbAddr,
    dtb,
    initrd: desc.initrd,
    bootMode: hart.mode === 'S' ? 'sbi' : 'bare',
  };
  const plat: QemuRiscvPlat = {
    name: 'qemu-riscv',
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
      out: (data) => uart.putBytes(typeof data === 'string' ? utf8Encode(data) : data),
      in: (buf) => uart.read(buf),
      onInput: (l) => uart.onInput(l),
    },
    time: {
      monotonicNs: () => timer.nowNs(),
      coarseMonotonicNs: () => timer.coarseNs(),
      wallClockNs: () => (desc.rtc ? readGoldfishRtc(hart, desc.rtc.base) : BigInt(timer.nowNs())),
      resolutionNs: timer.resolutionNs,
      setTimer: (deadline, handler) => smp.current.timer.set(deadline, handler),
      cancelTimer: () => smp.current.timer.cancel(),
    },
    irq,
    lcpu,
    power,
    bootinfo,
    devices: new PlatDevices(hart, fdt),
  };

  uart.init();
  boot.init((reason) => plat.onFatalTrap(reason), smp);
  irq.register(desc.uart.irq, () => uart.handleIrq());
  return plat;
}
