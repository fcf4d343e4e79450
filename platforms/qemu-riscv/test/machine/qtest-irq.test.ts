// qtest GPIO commands against real qemu-system-riscv64 (7.2): irq_intercept_out on the PLIC, ACLINT
// SWI/MTIMER, irq_intercept_in on the PLIC and a hart, set_irq_in, QOM paths (absolute, partial,
// unknown, already intercepted). One QEMU per script: a session intercepts one device only.
import { describe, expect, it } from 'vitest';
import { createQtestSession, Machine, type MachineOptions } from '../../src/machine';
import { runQemuQtest } from './qemu-run';

const U = '/machine/unattached';
const PLIC = `${U}/device[2]`;
const CASES: { name: string; args?: string[]; opts?: MachineOptions; script: string[] }[] = [
  {
    name: 'PLIC outputs: S contexts first, then M; claim lowers both',
    script: [
      `irq_intercept_out ${PLIC}`,
      `irq_intercept_out ${PLIC}`,
      `irq_intercept_out ${U}/device[3]`,
      'writel 0xc000028 1',
      'writel 0xc002080 0x400',
      'writel 0xc201000 0',
      'writeb 0x10000001 2',
      'writel 0xc002000 0x400',
      'writel 0xc200000 0',
      'writeb 0x10000001 0',
      'writeb 0x10000001 2',
      'readl 0xc201004',
      'writel 0xc201004 10',
      'writel 0xc200000 7',
      `irq_intercept_in ${PLIC}`,
    ],
  },
  {
    name: 'PLIC inputs and set_irq_in',
    script: [
      'irq_intercept_in device[2]',
      'writeb 0x10000001 2',
      `set_irq_in ${PLIC} unnamed-gpio-in 10 1`,
      'readl 0xc001000',
      `set_irq_in ${PLIC} unnamed-gpio-in 10 0`,
      `set_irq_in ${PLIC} unnamed-gpio-in 0x20 1`,
      'readl 0xc001004',
      `irq_intercept_out ${PLIC}`,
      'irq_intercept_out harts[0]',
    ],
  },
  {
    name: 'hart inputs: msip, mtimer',
    script: [
      'irq_intercept_in /machine/soc0/harts[0]',
      'writel 0x2000000 1',
      'writel 0x2000000 0',
      'writeq 0x2004000 0',
      'writeq 0x2004000 5',
      'set_irq_in harts[0] unnamed-gpio-in 9 1',
      'set_irq_in //machine/soc0//harts[0]/ unnamed-gpio-in 9 0',
    ],
  },
  {
    name: 'ACLINT MTIMER and SWI outputs, unknown and ambiguous paths',
    args: ['-smp', '2'],
    opts: { smp: 2 },
    script: [
      'irq_intercept_out /machine/unattached/device[99]',
      'irq_intercept_out device',
      'irq_intercept_out harts[1]',
      'irq_intercept_out /machine/unattached/device[1]',
      'writeq 0x2004008 0',
      'writeq 0x2004000 0',
      'writeq 0x2004008 9',
      'writel 0x2000004 1',
    ],
  },
  {
    name: 'SWI output of hart 1 and PLIC contexts of hart 1 (-smp 2)',
    args: ['-smp', '2'],
    opts: { smp: 2 },
    script: [
      `set_irq_in ${PLIC} unnamed-gpio-in 7 1`,
      'irq_intercept_out /machine/unattached/device[0]',
      'writel 0x2000004 1',
      'writel 0x2000004 0',
      'writel 0x2000000 1',
    ],
  },
  {
    name: 'PLIC outputs of hart 1 (-smp 2)',
    args: ['-smp', '2'],
    opts: { smp: 2 },
    script: [
      `irq_intercept_out ${PLIC}`,
      'writel 0xc00001c 3',
      `set_irq_in ${PLIC} unnamed-gpio-in 7 1`,
      'writel 0xc002180 0x80',
      'writel 0xc203000 0',
      'writel 0xc002100 0x80',
      'writel 0xc202000 0',
      'readl 0xc203004',
    ],
  },
  {
    name: 'ACLINT SSWI output (aclint=on)',
    args: ['-machine', 'virt,aclint=on'],
    opts: { aclint: true },
    script: [
      'irq_intercept_out /machine/unattached/device[2]',
      'writel 0x2f00000 1',
      'writel 0x2f00000 0',
      'irq_intercept_out /machine/unattached/device[3]',
    ],
  },
];

const reference = await Promise.all(CASES.map((c) => runQemuQtest(c.script, c.args ?? [])));
const why = reference.find((r) => typeof r === 'string');
if (why) console.log(`qtest-irq: skipped: ${why}`);

describe.skipIf(why !== undefined)('qtest GPIO commands match QEMU 7.2', () => {
  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = CASES[i];
    const q = createQtestSession(new Machine({ bios: 'none', console: 'none', ...c.opts }).qtest);
    const ours = c.script.flatMap((l) => q(l).split('\n'));
    expect(ours).toEqual(reference[i]);
  });
});

describe('qtest GPIO commands where QEMU aborts', () => {
  it('answer ERR: a path that is no device, an input that does not exist, a bad number', () => {
    const q = createQtestSession(new Machine({ bios: 'none', console: 'none' }).qtest);
    for (const l of [
      'irq_intercept_out /machine',
      'irq_intercept_in /machine/unattached/sysbus',
      `set_irq_in ${PLIC} unnamed-gpio-in 96 1`,
      `set_irq_in ${PLIC} foo 1 1`,
      `set_irq_in ${U}/device[14] unnamed-gpio-in 0 1`,
      `set_irq_in ${PLIC} unnamed-gpio-in x 1`,
      `set_irq_in ${PLIC} unnamed-gpio-in 1`,
    ])
      expect(q(l), l).toMatch(/^ERR /);
  });
});
