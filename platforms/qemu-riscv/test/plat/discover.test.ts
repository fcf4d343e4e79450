import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fdt } from '@runikraft/fdt';
import { describe, expect, it } from 'vitest';
import { describePlatform } from '../../src/plat/discover';

const fixtures = join(__dirname, '../../../../packages/fdt/test/fixtures');
const open = (name: string) =>
  Fdt.open(new Uint8Array(readFileSync(join(fixtures, `${name}.dtb`))));

describe('describePlatform on real QEMU 7.2 device trees', () => {
  it('virt-default: RAM, UART, PLIC S context, CLINT, RTC, finisher, Sstc', () => {
    const d = describePlatform(open('virt-default'), 0, 'S');
    expect(d.memory).toEqual([{ base: 0x80000000, size: 0x8000000 }]);
    expect(d.uart).toEqual({ base: 0x10000000, irq: 10 });
    expect(d.plic).toEqual({ base: 0xc000000, ndev: 0x60, context: 1 });
    expect(d.mtimecmp).toBe(0x2004000);
    expect(d.rtc).toEqual({ base: 0x101000 });
    expect(d.finisher).toEqual({ base: 0x100000 });
    expect(d.timebase).toBe(10_000_000);
    expect(d.sstc).toBe(true);
    expect(d.ncpus).toBe(1);
    expect(d.cmdline).toBe('');
    expect(d.initrd).toBeNull();
  });
  it('M-mode uses context 0 (interrupts-extended order)', () => {
    expect(describePlatform(open('virt-default'), 0, 'M').plic.context).toBe(0);
  });
  it('smp4: phandles differ, hart 0 still finds its contexts and mtimecmp', () => {
    const fdt = open('virt-m512-smp4');
    expect(describePlatform(fdt, 0, 'S').plic.context).toBe(1);
    const h3 = describePlatform(fdt, 3, 'M');
    expect(h3.plic.context).toBe(6);
    expect(h3.mtimecmp).toBe(0x2004000 + 8 * 3);
    expect(h3.ncpus).toBe(4);
    expect(h3.memory[0]!.size).toBe(512 * 1024 * 1024);
  });
  it('aclint: mtimecmp from the MTIMER node (second reg entry)', () => {
    expect(describePlatform(open('virt-aclint'), 0, 'M').mtimecmp).toBe(0x2004000);
  });
  it('kernel-append-initrd: bootargs and initrd from /chosen', () => {
    const d = describePlatform(open('virt-kernel-append-initrd'), 0, 'M');
    expect(d.cmdline).toBe('console=ttyS0 foo=bar');
    expect(d.initrd).toEqual({ start: 0x84000000, end: 0x84001000 });
  });
  it('names what is missing: a hart absent from /cpus', () => {
    expect(() => describePlatform(open('virt-default'), 5, 'S')).toThrow(
      'no /cpus/cpu node with reg = 5',
    );
  });
});
