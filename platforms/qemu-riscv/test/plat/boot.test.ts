// platEntry on the machine: bad device-tree pointers and the exit-status paths of each boot mode.
import { describe, expect, it } from 'vitest';
import type { Hart } from '../../src/isa/hart';
import { Machine } from '../../src/machine/machine';
import { platEntry } from '../../src/plat/entry';

async function boot(
  bios: 'default' | 'none',
  entry: (hart: Hart, a0: number, a1: number) => Promise<void>,
) {
  let out = '';
  const exit = await new Machine({
    console: (t) => (out += t),
    bios,
    clock: 'virtual',
    memory: 16 << 20,
  }).boot(entry);
  return { exit, out };
}

describe('platEntry', () => {
  for (const bios of ['default', 'none'] as const) {
    it(`${bios}: the boot callback's status is the machine's exit status (0, 7, 0x1ff: the finisher's 16-bit code)`, async () => {
      for (const status of [0, 7, 0x1ff]) {
        const { exit } = await boot(bios, (h, a0, a1) => platEntry(h, a0, a1, async () => status));
        expect(exit).toEqual({ status, reason: 'poweroff' });
      }
    });
    it(`${bios}: a1 outside RAM is an early panic naming the address`, async () => {
      const { exit, out } = await boot(bios, (h, a0) => platEntry(h, a0, 0x1234, async () => 0));
      expect(exit.status).toBe(1);
      expect(out).toContain('a1 = 0x1234 does not point into RAM');
    });
    it(`${bios}: a corrupted device tree is an early panic with the FDT error`, async () => {
      const { exit, out } = await boot(bios, (h, a0, a1) => {
        h.ram.view.setUint32(a1 - h.ram.base + 8, 0xffff0000, false);
        return platEntry(h, a0, a1, async () => 0);
      });
      expect(exit.status).toBe(1);
      expect(out).toMatch(/device tree at 0x[0-9a-f]+ is malformed: fdt: header\.off_dt_struct/);
    });
    it(`${bios}: an access to an unmapped hole panics with the trap`, async () => {
      const { exit, out } = await boot(bios, (h, a0, a1) =>
        platEntry(h, a0, a1, async () => {
          // between the RTC and the CLINT: QEMU faults there (mcause 5, measured with a bare-metal
          // load). The PCIe windows do not fault: unassigned PCI space reads all ones, as on QEMU.
          h.load32(0x0010_2000);
          return 0;
        }),
      );
      expect(exit.status).toBe(1);
      expect(out).toContain('PANIC: unhandled trap: load access fault (tval 0x102000)');
    });
  }
});
