// The PLIC driver on the machine, in both boot modes: what it leaves in the PLIC's registers (priority,
// enable, threshold of this hart's context) and the claim/complete sequence the PLIC sees around a handler.
import { Errno } from '@runikraft/errno';
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../src/machine';
import { MODES, onPlat } from './booted';

const ENABLE = 0x2000;
const CONTEXT = 0x200000;
const enableWord = (ctx: number, w: number) => ENABLE + 0x80 * ctx + 4 * w;
const threshold = (ctx: number) => CONTEXT + 0x1000 * ctx;
const claimReg = (ctx: number) => CONTEXT + 0x1000 * ctx + 4;
/** Enable words of a context (96 sources = 3 words). */
const enables = (m: Machine, ctx: number) =>
  [0, 1, 2].map((w) => m.board.plic.read(enableWord(ctx, w)));

/** Logs the claims and completes of context `ctx` as the PLIC sees them. */
function tapClaims(m: Machine, ctx: number, log: string[]): void {
  const plic = m.board.plic;
  const read = plic.read.bind(plic);
  const write = plic.write.bind(plic);
  plic.read = (off: number) => {
    const v = read(off);
    if (off === claimReg(ctx)) log.push(`claim ${v}`);
    return v;
  };
  plic.write = (off: number, size: number, v: number) => {
    if (off === claimReg(ctx)) log.push(`complete ${v}`);
    write(off, size, v);
  };
}

for (const [bios, mode] of MODES) {
  describe(`PLIC driver, ${mode}`, () => {
    it("init clears this context's enables and threshold, then only the console's line is enabled", async () => {
      let other = -1;
      await onPlat(
        {
          bios,
          before: (_h, m) => {
            // A previous kernel left everything on, in both of this hart's contexts.
            for (const ctx of [0, 1]) {
              for (const w of [0, 1, 2]) m.board.plic.write(enableWord(ctx, w), 4, 0xffffffff);
              m.board.plic.write(threshold(ctx), 4, 7);
            }
          },
        },
        ({ machine, desc }) => {
          const ctx = desc.plic.context;
          expect(ctx).toBe(bios === 'none' ? 0 : 1);
          expect(enables(machine, ctx)).toEqual([1 << desc.uart.irq, 0, 0]);
          expect(machine.board.plic.read(threshold(ctx))).toBe(0);
          expect(machine.board.plic.read(4 * desc.uart.irq)).toBe(1);
          other = 1 - ctx;
          // The other privilege mode's context is not ours to touch.
          expect(enables(machine, other)).toEqual([0xffffffff, 0xffffffff, 0xffffffff]);
          expect(machine.board.plic.read(threshold(other))).toBe(7);
        },
      );
      expect(other).toBeGreaterThanOrEqual(0);
    });

    it('register enables a line at priority 1; the line stays enabled until its last handler goes', async () => {
      await onPlat({ bios }, ({ plat, machine, desc }) => {
        const ctx = desc.plic.context;
        const uart = 1 << desc.uart.irq;
        const h1 = () => true;
        const h2 = () => true;
        for (const line of [3, 5, 40, 95]) expect(plat.irq.register(line, h1)).toBe(0);
        expect(plat.irq.register(5, h2)).toBe(0);
        expect(enables(machine, ctx)).toEqual([uart | (1 << 3) | (1 << 5), 1 << 8, 0x80000000]);
        for (const line of [3, 5, 40, 95]) expect(machine.board.plic.read(4 * line)).toBe(1);
        expect(machine.board.plic.read(4 * 4)).toBe(0);
        expect(enables(machine, 1 - ctx)).toEqual([0, 0, 0]);
        expect(plat.irq.unregister(5, h1)).toBe(0);
        expect(enables(machine, ctx)[0]).toBe(uart | (1 << 3) | (1 << 5));
        expect(plat.irq.unregister(5, h2)).toBe(0);
        expect(plat.irq.unregister(95, h1)).toBe(0);
        expect(enables(machine, ctx)).toEqual([uart | (1 << 3), 1 << 8, 0]);
        // The line count comes from the device tree (QEMU 7.2 says riscv,ndev = 96, one past its last source).
        expect(plat.irq.register(desc.plic.ndev + 1, h1)).toBe(-Errno.EINVAL);
      });
    });

    it('an interrupt is claimed from this context, handled, completed with its line, then the PLIC is asked again', async () => {
      await onPlat({ bios }, async ({ plat, machine, desc }) => {
        const log: string[] = [];
        plat.irq.register(7, (irq) => {
          log.push(`handler ${irq}`);
          return true;
        });
        tapClaims(machine, desc.plic.context, log);
        machine.board.plic.setIrq(7, true);
        expect(log).toEqual([]); // taken at the next interrupt window, not inside the device
        await plat.lcpu.poll();
        expect(log).toEqual(['claim 7', 'handler 7', 'complete 7', 'claim 0']);
        expect(machine.board.plic.isPending(7)).toBe(false);
        machine.board.plic.setIrq(7, true);
        await plat.lcpu.poll();
        expect(log.slice(4)).toEqual(['claim 7', 'handler 7', 'complete 7', 'claim 0']);
        expect(plat.irq.count(7)).toBe(2);
      });
    });

    it('lines pending together are dispatched in one trap, lowest line first at equal priority', async () => {
      await onPlat({ bios }, async ({ plat, machine }) => {
        const order: number[] = [];
        for (const line of [4, 9, 33])
          plat.irq.register(line, (irq) => {
            order.push(irq);
            return true;
          });
        const traps = machine.stats.interrupts;
        for (const line of [33, 9, 4]) machine.board.plic.setIrq(line, true);
        await plat.lcpu.poll();
        expect(order).toEqual([4, 9, 33]);
        expect(machine.stats.interrupts - traps).toBe(1);
      });
    });

    it('a line raised while masked stays pending at the PLIC and is not delivered', async () => {
      await onPlat({ bios }, async ({ plat, machine }) => {
        const h = () => true;
        plat.irq.register(6, h);
        plat.irq.unregister(6, h);
        machine.board.plic.setIrq(6, true);
        await plat.lcpu.haltUntil(plat.time.monotonicNs() + 1_000_000);
        expect(plat.irq.count(6)).toBe(0);
        expect(machine.board.plic.isPending(6)).toBe(true);
      });
    });
  });
}
