// The image entry: `(hart, a0 = hartid, a1 = device-tree address)` as QEMU's boot ROM / OpenSBI hand over.
// Parses the device tree, brings up the platform, runs the boot callback and powers off with its status.
// With -bios none every hart enters here at reset: hart 0 boots, the others park until lcpu.start.
import { Fdt } from '@runikraft/fdt';
import type { RkPlat } from '@runikraft/rkplat';
import type { Hart } from '../isa/hart';
import { describePlatform } from './discover';
import { earlyPanic } from './early';
import { createPlatform } from './platform';
import { parkSecondary } from './smp';

/** The hart that boots the kernel; with -bios none the others park (QEMU starts them all at once). */
const BOOT_HARTID = 0;

/** Reads and validates the device tree at physical `addr`. Panics (early console) if it is not one. */
function openDeviceTree(hart: Hart, addr: number): Fdt {
  const { base, size, u8, view } = hart.ram;
  const off = addr - base;
  if (!Number.isInteger(addr) || off < 0 || off + 8 > size) {
    return earlyPanic(
      hart,
      `a1 = 0x${addr.toString(16)} does not point into RAM [0x${base.toString(16)}, 0x${(base + size).toString(16)}): no device tree`,
    );
  }
  const total = view.getUint32(off + 4, false);
  try {
    return Fdt.open(u8.subarray(off, Math.min(size, off + Math.max(total, 40))));
  } catch (e) {
    return earlyPanic(
      hart,
      `device tree at 0x${addr.toString(16)} is malformed: ${(e as Error).message}`,
    );
  }
}

/**
 * Brings up the platform on `hart` and runs `boot`; powers off with the status it returns.
 * Never resolves normally: the machine stops inside the power-off. A secondary hart (a0 ≠ 0, -bios
 * none) parks instead, waiting for its msip.
 */
export async function platEntry(
  hart: Hart,
  a0: number,
  a1: number,
  boot: (plat: RkPlat) => Promise<number>,
): Promise<void> {
  const fdt = openDeviceTree(hart, a1);
  if (a0 !== BOOT_HARTID) return parkHart(hart, fdt);
  let plat: ReturnType<typeof createPlatform>;
  try {
    plat = createPlatform(hart, fdt, describePlatform(fdt, hart.hartid, hart.mode), a1);
  } catch (e) {
    if ((e as Error)?.name === 'HartStopped') throw e;
    return earlyPanic(hart, `platform bring-up failed: ${(e as Error).message}`);
  }
  plat.lcpu.irqEnable();
  const status = await boot(plat);
  plat.power.shutdown(status);
}

/** Parks a secondary hart entered at reset (its msip from the device tree releases it). */
async function parkHart(hart: Hart, fdt: Fdt): Promise<void> {
  let msip: number | null;
  try {
    msip = describePlatform(fdt, hart.hartid, hart.mode).msip;
  } catch (e) {
    return earlyPanic(hart, `hart ${hart.hartid}: ${(e as Error).message}`);
  }
  if (msip === null) return earlyPanic(hart, `hart ${hart.hartid}: no CLINT msip to park on`);
  await parkSecondary(hart, msip);
}
