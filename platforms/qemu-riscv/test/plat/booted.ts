// Driver-test harness: boots the platform on the machine model and runs a check in kernel context with
// the machine at hand, so that tests can assert on what the devices saw. Failures surface after power-off.
import { Fdt } from '@runikraft/fdt';
import { type Hart, isHartStopped } from '../../src/isa/hart';
import { BufferConsole, Machine, type MachineExit, type MachineOptions } from '../../src/machine';
import { describePlatform, type PlatDesc } from '../../src/plat/discover';
import { platEntry } from '../../src/plat/entry';
import { createPlatform, type QemuRiscvPlat } from '../../src/plat/platform';

/** Both boot modes: the firmware's S-mode and `-bios none` M-mode. */
export const MODES = [
  ['default', 'S-mode (SBI)'],
  ['none', 'M-mode (-bios none)'],
] as const;

/** What a check sees: the booted platform, the hart it runs on, the machine and what the kernel was told. */
export interface Booted {
  plat: QemuRiscvPlat;
  hart: Hart;
  machine: Machine;
  desc: PlatDesc;
  /** The UART's host side: what the guest printed, and input to type. */
  con: BufferConsole;
}

export interface BootedOptions extends MachineOptions {
  /** Edits the discovered description before the drivers come up (e.g. a hart without Sstc). */
  tweak?: (desc: PlatDesc) => PlatDesc;
  /** Runs on the hart before the platform is brought up (e.g. to leave registers dirty). */
  before?: (hart: Hart, machine: Machine) => void;
}

/**
 * Boots a machine whose image brings up the platform (as platEntry does) and runs `check`; the kernel
 * powers off with the status `check` returns (0 if none).
 * @returns the exit, the console output and the machine; rethrows what `check` threw.
 */
export async function onPlat(
  opts: BootedOptions,
  check: (b: Booted) => Promise<number | void> | number | void,
): Promise<{ exit: MachineExit; out: string; machine: Machine }> {
  const { tweak, before, ...mopts } = opts;
  const con = new BufferConsole();
  const machine = new Machine({
    memory: 16 << 20,
    clock: 'virtual',
    rngSeed: new Uint8Array(32).fill(5),
    console: con,
    ...mopts,
  });
  let failure: unknown;
  const exit = await machine.boot(async (hart, a0, a1) => {
    // Secondary harts (-bios none enters them all at reset) park as the real entry parks them.
    if (a0 !== 0) return platEntry(hart, a0, a1, async () => 0);
    before?.(hart, machine);
    const off = a1 - hart.ram.base;
    const fdt = Fdt.open(hart.ram.u8.subarray(off, off + hart.ram.view.getUint32(off + 4)));
    const found = describePlatform(fdt, hart.hartid, hart.mode);
    const desc = tweak ? tweak(found) : found;
    const plat = createPlatform(hart, fdt, desc, a1);
    plat.lcpu.irqEnable();
    let status = 0;
    try {
      status = (await check({ plat, hart, machine, desc, con })) ?? 0;
    } catch (e) {
      if (isHartStopped(e)) throw e;
      failure = e;
      status = 99;
    }
    plat.power.shutdown(status);
  });
  if (failure) throw failure;
  return { exit, out: con.output, machine };
}
