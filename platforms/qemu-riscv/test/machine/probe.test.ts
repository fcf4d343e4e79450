// Parity with real QEMU 7.2 for what only a CPU can observe: fixtures/probe/probe.c is a bare-metal M-mode
// program whose output on QEMU (-bios none) is recorded in fixtures/probe/expected.txt. The same probe,
// written against the Hart, must print the same text on the model. When riscv64-unknown-elf-gcc and
// qemu-system-riscv64 are installed, the recording itself is re-checked against QEMU.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as C from '../../src/isa/csr';
import type { Hart } from '../../src/isa/hart';
import { runGuest } from './guest';

const dir = fileURLToPath(new URL('./fixtures/probe/', import.meta.url));
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

  const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  const tools = have('riscv64-unknown-elf-gcc') && have('qemu-system-riscv64');
  if (!tools)
    console.log(
      'probe: QEMU re-check skipped: riscv64-unknown-elf-gcc or qemu-system-riscv64 missing',
    );
  it.skipIf(!tools)('the recording still matches qemu-system-riscv64', () => {
    const elf = join(tmpdir(), `rk-probe-${process.pid}.elf`);
    const cc = spawnSync(
      'riscv64-unknown-elf-gcc',
      [
        '-march=rv64ima_zicsr',
        '-mabi=lp64',
        '-mcmodel=medany',
        '-O1',
        '-ffreestanding',
        '-nostdlib',
        '-nostartfiles',
        '-Wl,--no-warn-rwx-segments',
        '-T',
        join(dir, 'link.ld'),
        join(dir, 'probe-start.S'),
        join(dir, 'probe.c'),
        '-o',
        elf,
      ],
      { encoding: 'utf8' },
    );
    expect(cc.stderr).toBe('');
    const q = spawnSync(
      'qemu-system-riscv64',
      ['-machine', 'virt', '-nographic', '-bios', 'none', '-kernel', elf],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(q.stdout.replace(/\r/g, '')).toBe(expected);
  });
});
