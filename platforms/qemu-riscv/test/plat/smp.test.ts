// The platform on -smp 4: lcpu.start brings secondaries up (HSM hart_start under the firmware, a msip
// release of the harts parked at reset with -bios none), lcpu.id() follows the hart that runs, IPIs
// (lcpu.wakeup) end a halt, and each hart has its own PLIC context and timer comparator.
import { Errno } from '@runikraft/errno';
import type { RkPlat } from '@runikraft/rkplat';
import { describe, expect, it } from 'vitest';
import type { Hart, ImageEntry } from '../../src/isa/hart';
import { Machine } from '../../src/machine/machine';
import { platEntry } from '../../src/plat/entry';
import { platSecondaryEntry } from '../../src/plat/smp';

async function bootSmp(bios: 'default' | 'none', boot: (plat: RkPlat) => Promise<number>) {
  let out = '';
  const m = new Machine({
    console: (t) => (out += t),
    bios,
    clock: 'virtual',
    memory: 16 << 20,
    smp: 4,
  });
  const entry: ImageEntry = Object.assign(
    (h: Hart, a0: number, a1: number) => platEntry(h, a0, a1, boot),
    { secondary: platSecondaryEntry },
  );
  const exit = await m.boot(entry);
  return { exit, out, m };
}

describe('lcpu on -smp 4', () => {
  for (const bios of ['default', 'none'] as const) {
    it(`${bios}: start, id() per hart, wakeup ends a halt, errors`, async () => {
      const log: string[] = [];
      const { exit, out, m } = await bootSmp(bios, async (plat) => {
        const lcpu = plat.lcpu;
        const start = lcpu.start!.bind(lcpu);
        expect(lcpu.count()).toBe(4);
        expect(start(0, () => {})).toBe(-Errno.EALREADY);
        expect(start(4, () => {})).toBe(-Errno.EINVAL);
        expect(lcpu.wakeup!(2)).toBe(-Errno.EINVAL); // not running yet
        let up = 0;
        let done = 0;
        for (const c of [1, 2, 3]) {
          const r = start(c, async () => {
            log.push(`up ${c} id=${lcpu.id()} irqs=${lcpu.irqsDisabled() ? 'off' : 'on'}`);
            up++;
            lcpu.wakeup!(0);
            await lcpu.halt(); // until the boot CPU's IPI
            log.push(`woken ${c} id=${lcpu.id()}`);
            done++;
            lcpu.wakeup!(0);
          });
          expect(r).toBe(0);
        }
        expect(start(1, () => {})).toBe(-Errno.EALREADY);
        while (up < 3) await lcpu.halt();
        expect(lcpu.id()).toBe(0);
        for (const c of [3, 1, 2]) expect(lcpu.wakeup!(c)).toBe(0);
        while (done < 3) await lcpu.halt();
        expect(lcpu.id()).toBe(0);
        // a CPU whose entry returned has stopped (S-mode: HSM) or parked again (M-mode)
        while (lcpu.wakeup!(1) === 0 || lcpu.wakeup!(2) === 0 || lcpu.wakeup!(3) === 0)
          await (lcpu.poll() ?? lcpu.halt());
        return 0;
      });
      expect(exit.status, out).toBe(0);
      expect(log).toEqual([
        'up 1 id=1 irqs=on',
        'up 2 id=2 irqs=on',
        'up 3 id=3 irqs=on',
        'woken 3 id=3',
        'woken 1 id=1',
        'woken 2 id=2',
      ]);
      expect(m.stats.hartSwitches).toBeGreaterThan(6);
    });
  }

  it('each secondary programs its own PLIC context and timer comparator', async () => {
    const { exit, m } = await bootSmp('none', async (plat) => {
      let ok = 0;
      plat.lcpu.start!(2, async () => {
        // a timer armed on CPU 2 fires on CPU 2
        let fired = -1;
        plat.time.setTimer(plat.time.monotonicNs() + 1000, () => {
          fired = plat.lcpu.id();
        });
        while (fired < 0) await plat.lcpu.halt();
        if (fired === 2) ok++;
        ok++;
        plat.lcpu.wakeup!(0);
      });
      while (ok < 2) await plat.lcpu.halt();
      return 0;
    });
    expect(exit.status).toBe(0);
    const clint = m.board.mtimer;
    expect(clint.timecmp[2]).not.toBe(0n); // hart 2 armed its own mtimecmp
  });
});
