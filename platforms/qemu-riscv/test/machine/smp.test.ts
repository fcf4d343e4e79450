// `-smp N` on the machine: every hart enters at reset with -bios none, secondaries wait for HSM
// hart_start under the firmware, IPIs through CLINT msip / SBI IPI wake wfi, one hart runs at a time
// and the interleaving is the same on every run under the virtual clock.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import * as C from '../../src/isa/csr';
import type { Hart, ImageEntry, SecondaryEntry } from '../../src/isa/hart';
import { VIRT_CLINT } from '../../src/isa/memmap';
import * as S from '../../src/isa/sbi';
import { powerOff, testMachine } from './guest';

/** Parks until `cond()` holds, in wfi (a secondary) or at switch points (the boot hart). */
async function until(hart: Hart, cond: () => boolean): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 10_000) throw new Error(`hart ${hart.hartid}: condition never became true`);
    await (hart.poll() ?? hart.wfi());
  }
}

describe('-bios none -smp 4', () => {
  it('every hart enters at reset with a0 = hartid and its own CSRs; msip releases parked secondaries', async () => {
    const { m } = testMachine({ clock: 'virtual', bios: 'none', smp: 4 });
    const entered: number[][] = [];
    const released: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const exit = await m.boot(async (hart, a0, a1) => {
      entered.push([hart.hartid, a0, a1 === m.fdtAddr ? 1 : 0, hart.csrr(C.CSR_MHARTID)]);
      hart.csrw(C.CSR_MSCRATCH, 0x100 + a0);
      if (a0 !== 0) {
        // Parked by hartid: only the machine-software interrupt wakes it.
        hart.csrw(C.CSR_MIE, C.MIP_MSIP);
        await hart.wfi();
        running++;
        maxRunning = Math.max(maxRunning, running);
        expect(hart.csrr(C.CSR_MIP) & C.MIP_MSIP).toBe(C.MIP_MSIP);
        hart.store32(VIRT_CLINT + 4 * a0, 0); // acknowledge
        released.push(hart.csrr(C.CSR_MSCRATCH));
        running--;
        return;
      }
      await hart.poll(); // the secondaries reach their wfi
      expect(entered.map((e) => e[0])).toEqual([0, 1, 2, 3]);
      expect(released).toEqual([]);
      for (const h of [3, 1, 2]) hart.store32(VIRT_CLINT + 4 * h, 1);
      await until(hart, () => released.length === 3);
      expect(hart.csrr(C.CSR_MSCRATCH)).toBe(0x100);
      powerOff(hart, 0);
    });
    expect(exit.status).toBe(0);
    expect(entered).toEqual([0, 1, 2, 3].map((h) => [h, h, 1, h]));
    expect(released).toEqual([0x103, 0x101, 0x102]); // in the order their msip was written
    expect(maxRunning).toBe(1); // harts interleave, never overlap
  });
});

describe('SBI firmware -smp 4', () => {
  it('hart_start enters the secondary entry; send_ipi wakes a secondary waiting in wfi', async () => {
    const { m } = testMachine({ clock: 'virtual', smp: 4 });
    const log: string[] = [];
    const secondary: SecondaryEntry = async (h, a0, a1) => {
      log.push(`start ${h.hartid} a0=${a0} a1=${a1}`);
      h.csrw(C.CSR_SIE, C.MIP_SSIP);
      await h.wfi();
      log.push(`ipi ${h.hartid}`);
      h.csrc(C.CSR_SIP, C.MIP_SSIP);
      h.ecall(S.SBI_EXT_HSM, S.SBI_HSM_HART_STOP);
    };
    const entry: ImageEntry = Object.assign(
      async (h: Hart) => {
        for (const t of [1, 2, 3])
          expect(h.ecall(S.SBI_EXT_HSM, 0, t, 0x80200000, 10 * t).error).toBe(0);
        await until(h, () => log.length === 3);
        expect(h.ecall(S.SBI_EXT_IPI, 0, 0b1010, 0).error).toBe(0); // harts 1 and 3
        await until(h, () => log.length === 5);
        const states = [1, 2, 3].map((t) => h.ecall(S.SBI_EXT_HSM, 2, t).value);
        expect(states).toEqual([1, 0, 1]); // 1 and 3 stopped, 2 still waits in wfi
        h.ecall(S.SBI_EXT_SRST, 0, 0, 0);
      },
      { secondary },
    );
    expect((await m.boot(entry)).status).toBe(0);
    expect(log).toEqual([
      'start 1 a0=1 a1=10',
      'start 2 a0=2 a1=20',
      'start 3 a0=3 a1=30',
      'ipi 1',
      'ipi 3',
    ]);
  });
});

describe('interleaving', () => {
  /**
   * Four harts each add to a shared counter with a read, switch points, then a write. With `slowHost`
   * hart 1 burns host time now and then, so host turns fall at other points than in a plain run.
   */
  async function racyRun(slowHost = false) {
    const { m } = testMachine({ clock: 'virtual', bios: 'none', smp: 4 });
    const grants: number[] = [];
    m.interleaver.onGrant = (h) => grants.push(h);
    let counter = 0;
    let done = 0;
    const exit = await m.boot(async (hart, a0) => {
      for (let i = 0; i < 50; i++) {
        const v = counter;
        if (slowHost && a0 === 1 && i % 5 === 0) {
          const until = performance.now() + 1.5;
          while (performance.now() < until); // host time passes, guest time does not
        }
        // a data-dependent number of switch points, so the schedule is not a plain rotation
        for (let k = 0; k <= (v + a0) % 3; k++) await hart.poll();
        counter = v + 1;
      }
      done++;
      if (a0 !== 0) return;
      await until(hart, () => done === 4);
      powerOff(hart, 0);
    });
    expect(exit.status).toBe(0);
    const { hartSwitches, hostTurns } = m.stats;
    return { schedule: { grants, total: counter, hartSwitches }, hostTurns };
  }

  it('is the same on every run under the virtual clock, so a lost update reproduces exactly', async () => {
    const a = await racyRun();
    const b = await racyRun();
    expect(a.schedule.total).toBeLessThan(200); // updates were lost: the harts really interleave
    expect(a.schedule.hartSwitches).toBeGreaterThan(100);
    expect(b.schedule).toEqual(a.schedule);
  });

  it('does not depend on when the host takes its turns', async () => {
    const plain = await racyRun();
    const slow = await racyRun(true);
    expect(slow.hostTurns).toBeGreaterThan(plain.hostTurns);
    expect(slow.schedule).toEqual(plain.schedule);
  });
});
