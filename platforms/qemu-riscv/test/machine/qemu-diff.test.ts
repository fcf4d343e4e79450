// Differential test: the same qtest script against real qemu-system-riscv64 (7.2) and this model.
// Skips, saying why, when QEMU is not installed.
import { describe, expect, it } from 'vitest';
import { createQtestSession, Machine } from '../../src/machine';
import { runQemuQtest } from './qemu-run';
import { QEMU_DIFF_SCRIPT } from './qemu-script';

const reference = await runQemuQtest(QEMU_DIFF_SCRIPT);
const MODERN_SCRIPT = [
  'readl 0x10001004',
  'readl 0x10008004',
  'readl 0x10001000',
  'readl 0x100010fc',
  'readb 0x10001004',
];
const modern = await runQemuQtest(MODERN_SCRIPT, ['-global', 'virtio-mmio.force-legacy=false']);
if (typeof reference === 'string') console.log(`qemu-diff: skipped: ${reference}`);

describe.skipIf(typeof reference === 'string')('qtest replies match QEMU 7.2', () => {
  it('for PLIC, UART, RTC, CLINT, MROM, empty virtio-mmio slots, holes and RAM', () => {
    const m = new Machine({ memory: 128 * 1024 * 1024, bios: 'none', console: 'none' });
    const session = createQtestSession(m.qtest);
    const ours = QEMU_DIFF_SCRIPT.map((l) => `${l} => ${session(l)}`);
    const theirs = QEMU_DIFF_SCRIPT.map((l, i) => `${l} => ${(reference as string[])[i]}`);
    expect(ours).toEqual(theirs);
  });
});

describe.skipIf(typeof modern === 'string')(
  'modern virtio-mmio (force-legacy=false) matches QEMU 7.2',
  () => {
    it('empty slots report Version 2', () => {
      const m = new Machine({ bios: 'none', console: 'none', virtioForceLegacy: false });
      const session = createQtestSession(m.qtest);
      expect(MODERN_SCRIPT.map((l) => session(l))).toEqual(modern);
    });
  },
);
