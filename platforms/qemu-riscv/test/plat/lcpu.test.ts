// The lcpu driver on the machine, in both boot modes: interrupt enable/disable/save/restore on xstatus.xIE
// as the hart holds it, interrupts held while disabled, halt and haltUntil wake-ups, id and count.
import { describe, expect, it } from 'vitest';
import { CSR_MSTATUS, CSR_SSTATUS, MSTATUS_MIE, SSTATUS_SIE } from '../../src/isa/csr';
import { Timer } from '../../src/machine/clock';
import { type Booted, MODES, onPlat } from './booted';

/** xstatus and its IE bit for the mode the kernel runs in. */
const status = ({ hart }: Booted) =>
  hart.mode === 'M' ? { csr: CSR_MSTATUS, ie: MSTATUS_MIE } : { csr: CSR_SSTATUS, ie: SSTATUS_SIE };

for (const [bios, mode] of MODES) {
  describe(`lcpu driver, ${mode}`, () => {
    it('irqDisable/irqEnable clear and set xstatus.xIE and nothing else; irqsDisabled reads the CSR', () =>
      onPlat({ bios }, (b) => {
        const { plat, hart } = b;
        const { csr, ie } = status(b);
        const before = hart.csrr(csr);
        expect(before & ie).toBe(ie);
        plat.lcpu.irqDisable();
        expect(hart.csrr(csr)).toBe(before - ie); // 64-bit CSR: only the IE bit went
        expect(plat.lcpu.irqsDisabled()).toBe(true);
        plat.lcpu.irqEnable();
        expect(hart.csrr(csr)).toBe(before);
        expect(plat.lcpu.irqsDisabled()).toBe(false);
        hart.csrc(csr, ie); // behind the driver's back
        expect(plat.lcpu.irqsDisabled()).toBe(true);
        hart.csrs(csr, ie);
      }));

    it('irqSave returns the previous state and disables; irqRestore turns xIE on only if it was on', () =>
      onPlat({ bios }, (b) => {
        const { plat, hart } = b;
        const { csr, ie } = status(b);
        const on = plat.lcpu.irqSave();
        expect(hart.csrr(csr) & ie).toBe(0);
        const off = plat.lcpu.irqSave();
        expect(off & ie).toBe(0);
        expect(on & ie).toBe(ie);
        plat.lcpu.irqRestore(off);
        expect(hart.csrr(csr) & ie).toBe(0);
        plat.lcpu.irqRestore(on);
        expect(hart.csrr(csr) & ie).toBe(ie);
      }));

    it('an interrupt raised while disabled is held through poll and taken inside irqRestore', () =>
      onPlat({ bios }, async ({ plat, machine }) => {
        let calls = 0;
        plat.irq.register(5, () => {
          calls++;
          return true;
        });
        const flags = plat.lcpu.irqSave();
        machine.board.plic.setIrq(5, true);
        for (let i = 0; i < 10; i++) await plat.lcpu.poll();
        expect(calls).toBe(0);
        plat.lcpu.irqRestore(flags);
        expect(calls).toBe(1);
      }));

    it('halt with interrupts disabled returns on a pending interrupt without taking it', () =>
      onPlat({ bios }, async ({ plat, machine }) => {
        let calls = 0;
        plat.irq.register(5, () => {
          calls++;
          return true;
        });
        plat.lcpu.irqDisable();
        machine.board.plic.setIrq(5, true);
        await plat.lcpu.halt();
        expect(calls).toBe(0);
        plat.lcpu.irqEnable();
        expect(calls).toBe(1);
      }));

    it('halt sleeps until a device interrupts, and its handler has run when halt returns', () =>
      onPlat({ bios }, async ({ plat, machine }) => {
        const seen: number[] = [];
        plat.irq.register(5, () => {
          seen.push(plat.time.monotonicNs());
          return true;
        });
        const t0 = plat.time.monotonicNs();
        // A device that interrupts 3 ms from now (the machine clock's own timer).
        machine.clock.arm(
          new Timer(() => machine.board.plic.setIrq(5, true)),
          machine.clock.nowNs() + 3_000_000,
        );
        await plat.lcpu.halt();
        expect(seen).toHaveLength(1);
        expect(seen[0]).toBe(t0 + 3_000_000); // virtual clock: the hart slept exactly until then
      }));

    it('haltUntil a deadline already past does not halt; one ahead halts until exactly then', () =>
      onPlat({ bios }, async ({ plat, machine }) => {
        const wfi = machine.stats.wfi;
        const t0 = plat.time.monotonicNs();
        await plat.lcpu.haltUntil(t0);
        await plat.lcpu.haltUntil(t0 - 1);
        expect(machine.stats.wfi).toBe(wfi);
        expect(plat.time.monotonicNs()).toBe(t0);
        await plat.lcpu.haltUntil(t0 + 1_234_500);
        expect(machine.stats.wfi).toBe(wfi + 1);
        expect(plat.time.monotonicNs()).toBe(t0 + 1_234_500);
      }));
  });
}

describe('lcpu id and count', () => {
  for (const [bios, mode] of MODES)
    it(`${mode}: id() is the boot hart, count() the harts in the device tree (-smp 3)`, () =>
      onPlat({ bios, smp: 3 }, ({ plat }) => {
        expect(plat.lcpu.id()).toBe(0);
        expect(plat.lcpu.count()).toBe(3);
      }));
});
