// The rkplat conformance kit against this platform, on the machine, in both boot modes and both clocks.
import type { RkPlat } from '@runikraft/rkplat';
import { describeRkPlat } from '@runikraft/rkplat/conformance';
import type { Hart } from '../../src/isa/hart';
import { Machine } from '../../src/machine/machine';
import { platEntry } from '../../src/plat/entry';

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

describeRkPlat('qemu-riscv, S-mode (SBI), virtual clock', runner('default', 'virtual'));
describeRkPlat('qemu-riscv, M-mode (-bios none), host clock', runner('none', 'host'));
