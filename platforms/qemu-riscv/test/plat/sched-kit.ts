// The rksched conformance kit's environment on the booted machine: each case boots a fresh Machine,
// brings up the platform (platEntry), makes the scheduler there and runs in kernel context; the kit's
// device interrupt is the goldfish RTC alarm (real PLIC delivery), its timed events kernel timers.
import type { RkSchedKitEnv } from '@runikraft/rksched/conformance';
import { platKitSession } from '@runikraft/rksched/conformance';
import type { Hart } from '../../src/isa/hart';
import { Machine } from '../../src/machine/machine';
import { platEntry } from '../../src/plat/entry';
import { goldfishAlarm } from './rtc-alarm';

/** A kit environment booting `-bios <bios>` machines on the given clock. */
export function machineKitEnv(bios: 'default' | 'none', clock: 'host' | 'virtual'): RkSchedKitEnv {
  return {
    virtualClock: clock === 'virtual',
    // The virtual clock stands still while a hart computes (DESIGN.md §4); the host clock runs, but
    // other host processes' time lands in whichever thread runs, too noisy for the fairness bound.
    clockRunsWhileComputing: false,
    propertyRuns: 4,
    async run(make, _opts, body) {
      let failure: unknown;
      let ran = false;
      const machine = new Machine({ console: 'none', bios, clock, memory: 16 << 20 });
      const exit = await machine.boot((hart: Hart, a0: number, a1: number) =>
        platEntry(hart, a0, a1, async (plat) => {
          try {
            const sched = make(plat);
            await body(platKitSession(plat, sched, goldfishAlarm(plat), () => machine.stats.wfi));
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
        throw new Error(`machine ended with ${JSON.stringify(exit)} before the case finished`);
    },
  };
}
