// IRQ chains on the machine, in both boot modes: a line raised at the PLIC reaches the handlers registered
// for it, in order, until one accepts it; interrupts nobody accepts are counted and completed all the same.
import { describe, expect, it } from 'vitest';
import { MODES, onPlat } from './booted';

for (const [bios, mode] of MODES) {
  describe(`IRQ chains, ${mode}`, () => {
    it('an interrupt no handler accepts runs the whole chain, is counted and completed', async () => {
      await onPlat({ bios }, async ({ plat, machine }) => {
        const seen: string[] = [];
        for (const tag of ['a', 'b', 'c'])
          plat.irq.register(8, (irq) => {
            seen.push(`${tag}${irq}`);
            return false;
          });
        machine.board.plic.setIrq(8, true);
        await plat.lcpu.poll();
        expect(seen).toEqual(['a8', 'b8', 'c8']);
        expect(plat.irq.count(8)).toBe(1);
        machine.board.plic.setIrq(8, true);
        await plat.lcpu.poll();
        expect(seen).toHaveLength(6);
        expect(plat.irq.count(8)).toBe(2);
      });
    });

    it('count() is per line and counts dispatches, not handler calls', async () => {
      await onPlat({ bios }, async ({ plat, machine }) => {
        plat.irq.register(2, () => false);
        plat.irq.register(2, () => true);
        plat.irq.register(12, () => true);
        for (let i = 0; i < 3; i++) {
          machine.board.plic.setIrq(2, true);
          await plat.lcpu.poll();
        }
        machine.board.plic.setIrq(12, true);
        await plat.lcpu.poll();
        expect([plat.irq.count(2), plat.irq.count(12), plat.irq.count(1)]).toEqual([3, 1, 0]);
        expect(plat.irq.count(0)).toBe(0);
        expect(plat.irq.count(10_000)).toBe(0);
      });
    });

    it('a handler that unregisters itself during dispatch does not hide the next one', async () => {
      await onPlat({ bios }, async ({ plat, machine }) => {
        const seen: string[] = [];
        const once = (irq: number) => {
          seen.push('once');
          plat.irq.unregister(irq, once);
          return false;
        };
        plat.irq.register(4, once);
        plat.irq.register(4, () => {
          seen.push('next');
          return true;
        });
        machine.board.plic.setIrq(4, true);
        await plat.lcpu.poll();
        expect(seen).toEqual(['once', 'next']);
        machine.board.plic.setIrq(4, true);
        await plat.lcpu.poll();
        expect(seen).toEqual(['once', 'next', 'next']);
      });
    });

    it('a handler registered during dispatch runs from the next interrupt on', async () => {
      await onPlat({ bios }, async ({ plat, machine }) => {
        const seen: string[] = [];
        const late = () => {
          seen.push('late');
          return true;
        };
        plat.irq.register(4, () => {
          seen.push('first');
          if (seen.length === 1) plat.irq.register(4, late);
          return false;
        });
        machine.board.plic.setIrq(4, true);
        await plat.lcpu.poll();
        expect(seen).toEqual(['first']);
        machine.board.plic.setIrq(4, true);
        await plat.lcpu.poll();
        expect(seen).toEqual(['first', 'first', 'late']);
      });
    });
  });
}
