import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as C from '../../src/isa/csr';
import type { Hart } from '../../src/isa/hart';
import { probeDir, qemuToolsFor, runProbeOnQemu } from './baremetal';
import { runGuest } from './guest';

const dir = probeDir;
const expected = readFileSync(join(dir, 'expected.txt'), 'utf8');

function probe(h: Hart): string {
  let out = '';
  let cause = 0;
  let tval = 0;
  h.setTrapVector((c, _i, t) => {
    cause = c;
    tval = t;
  });
  const hex = (name: string, v: number | bigint) => {
    out += `${name}=${BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0')}\n`;
  };
  const info = (name: string) => {
    hex(name, cause);
    hex(' tval', cause ? tval : 0);
    cause = tval = 0;
  };
  const misa = (2n << 62n) | BigInt(h.csrr(C.CSR_MISA)); // MXL does not fit a JS number
  hex('mstatus', h.csrr(C.CSR_MSTATUS));
  hex('mip', h.csrr(C.CSR_MIP));
  hex('misa', misa);
  hex('marchid', h.csrr(C.CSR_MARCHID));
  const loads: [string, (a: number) => unknown, number][] = [
    ['uart_lw5', (a) => h.load32(a), 0x10000005],
    ['uart_ld0', (a) => h.load64(a), 0x10000000],
    ['plic_lb', (a) => h.load8(a), 0x0c000004],
    ['hole0', (a) => h.load32(a), 0x0],
    ['hole20000', (a) => h.load32(a), 0x20000],
    ['virtio_ld', (a) => h.load64(a), 0x10001000],
    ['fin_lb', (a) => h.load8(a), 0x100000],
    ['rtc_lw2', (a) => h.load32(a), 0x101002],
    ['clint_hole', (a) => h.load32(a), 0x200c000],
    ['mtime_ld_misaligned', (a) => h.load64(a), 0x200bffc],
  ];
  for (const [name, f, a] of loads) {
    f(a);
    info(name);
  }
  h.store8(0x0c000004, 1);
  info('store_plic_b');
  h.store8(0x1000, 1);
  info('store_rom');
  h.store32(0x20000, 1);
  info('store_hole');
  hex('virtio_magic_b', h.load8(0x10001000));
  hex('virtio_ld_value', h.load64(0x10001000));
  h.csrw(C.CSR_SIE, 0x222);
  hex('sie', h.csrr(C.CSR_SIE));
  hex('sip', h.csrr(C.CSR_SIP));
  h.csrw(C.CSR_STIMECMP, 0);
  hex('mip_stimecmp0', h.csrr(C.CSR_MIP));
  h.csrw(C.CSR_STIMECMP, -1);
  hex('mip_stimecmp_max', h.csrr(C.CSR_MIP));
  h.csrw(C.CSR_MIP, 0x222);
  hex('mip_write_222', h.csrr(C.CSR_MIP));
  h.store32(0x2000000, 1);
  hex('mip_msip', h.csrr(C.CSR_MIP));
  return out;
}

describe('bare-metal probe parity (QEMU 7.2, -bios none)', () => {
  it('the model prints what QEMU printed', async () => {
    let text = '';
    const { exit } = await runGuest({ bios: 'none', clock: 'virtual', memory: 128 << 20 }, (h) => {
      text = probe(h);
      return 0;
    });
    expect(exit.status).toBe(0);
    expect(text).toBe(expected);
  });

  const tools = qemuToolsFor('probe');
  it.skipIf(!tools)('the recording still matches qemu-system-riscv64', () => {
    const r = runProbeOnQemu(
      'probe',
      { linkScript: 'link.ld', start: 'probe-start.S', source: 'probe.c' },
      ['-bios', 'none'],
    );
    expect(r.ccErrors).toBe('');
    expect(r.stdout).toBe(expected);
  });
});
