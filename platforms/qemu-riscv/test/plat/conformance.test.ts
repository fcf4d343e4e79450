// The rkplat conformance kit against this platform, on the machine, in both boot modes on both clocks;
// the kit's interrupt source is the goldfish RTC alarm.
import type { RkPlat } from '@runikraft/rkplat';
import { describeRkPlat } from '@runikraft/rkplat/conformance';
import type { Hart } from '../../src/isa/hart';
import { Machine } from '../../src/machine/machine';
import { platEntry } from '../../src/plat/entry';
import { goldfishAlarm } from './rtc-alarm';

function runner(bios: 'default' | 'none', clock: 'host' | 'virtual') {
  return async (fn: (plat: RkPlat) => Promise<void> | void) => {
    let failure: unknown;
    let ran = false;
    const machine = new Machine({ console: 'none', bios, clock, memory: 64 << 20 });
    const exit = await machine.boot((hart: Hart, a0: number, a1: number) =>
      platEntry(hart, a0, a1, async (plat) => {
        try {
          await fn(plat);
          ran = true;
          return 0;
        } catch (e) {
          failure = e;
          return 3;
        }
      }),
    );
    if (failure) throw failure;
    if (!ran || exit.status !== 0)
      throw new Error(`machine ended with ${JSON.stringify(exit)} before the check ran`);
  };
}

for (const [bios, mode] of [
  ['default', 'S-mode (SBI)'],
  ['none', 'M-mode (-bios none)'],
] as const)
  for (const clock of ['virtual', 'host'] as const)
    describeRkPlat(`qemu-riscv, ${mode}, ${clock} clock`, runner(bios, clock), goldfishAlarm);
