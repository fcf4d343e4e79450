import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as C from '../../src/isa/csr';
import type { Hart } from '../../src/isa/hart';
import { VIRT_UART0 } from '../../src/isa/memmap';
import { probeDir, qemuToolsFor, runProbeOnQemu } from './baremetal';
import { runGuest } from './guest';

const dir = probeDir;
const expected = readFileSync(join(dir, 'sexpected.txt'), 'utf8');

function sprobe(h: Hart, a0: number, a1: number): string {
  let out = '';
  let cause = 0;
  let tval = 0;
  h.setTrapVector((c, _i, t) => {
    cause = c;
    tval = t;
  });
  const hex = (name: string, v: number | bigint) => {
    out += `@${name}=${BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0')}\n`;
  };
  const sbi = (name: string, eid: number, fid: number, ...a: number[]) => {
    const r = h.ecall(eid, fid, ...a);
    hex(name, r.error);
    hex(' value', r.value);
  };
  const load = (name: string, pa: number) => {
    h.load32(pa);
    hex(name, cause);
    hex(' tval', cause ? tval : 0);
    cause = tval = 0;
  };
  hex('a0', a0);
  hex('a1', a1);
  hex('sstatus', BigInt.asUintN(36, BigInt(h.csrr(C.CSR_SSTATUS))));
  hex('sie', h.csrr(C.CSR_SIE));
  hex('sip', h.csrr(C.CSR_SIP));
  hex('stimecmp', h.csrr(C.CSR_STIMECMP));
  for (let r = 1; r < 8; r++) {
    hex('uart', r);
    hex(' reg', h.load8(VIRT_UART0 + r));
  }
  sbi('spec', 0x10, 0);
  sbi('impl_id', 0x10, 1);
  sbi('impl_ver', 0x10, 2);
  sbi('probe_time', 0x10, 3, 0x54494d45);
  sbi('probe_dbcn', 0x10, 3, 0x4442434e);
  sbi('probe_legacy1', 0x10, 3, 0x01);
  sbi('probe_junk', 0x10, 3, 0x12345678);
  sbi('mvendorid', 0x10, 4);
  sbi('marchid', 0x10, 5);
  sbi('mimpid', 0x10, 6);
  sbi('base_fid99', 0x10, 99);
  sbi('eid_junk', 0x7fffffff, 0);
  sbi('hsm_status0', 0x48534d, 2, 0);
  sbi('hsm_status1', 0x48534d, 2, 1);
  sbi('hsm_start0', 0x48534d, 0, 0, 0x80200000, 0);
  sbi('hsm_start1', 0x48534d, 0, 1, 0x80200000, 0);
  sbi('hsm_fid9', 0x48534d, 9, 0);
  sbi('ipi_badbase', 0x735049, 0, 1, 5);
  sbi('ipi_self', 0x735049, 0, 1, 0);
  hex('sip_after_ipi', h.csrr(C.CSR_SIP));
  sbi('ipi_fid1', 0x735049, 1);
  sbi('time_fid1', 0x54494d45, 1);
  sbi('set_timer_past', 0x54494d45, 0, 0);
  hex('sip_after_timer0', h.csrr(C.CSR_SIP));
  sbi('set_timer_max', 0x54494d45, 0, -1);
  hex('sip_after_timer_max', h.csrr(C.CSR_SIP));
  hex('stimecmp_after', h.csrr(C.CSR_STIMECMP));
  sbi('rfence_fid7', 0x52464e43, 7);
  sbi('rfence_i', 0x52464e43, 0, 1, 0);
  sbi('srst_badtype', 0x53525354, 0, 3, 0);
  sbi('srst_badreason', 0x53525354, 0, 0, 2);
  sbi('srst_fid1', 0x53525354, 1);
  sbi('dbcn_write_byte', 0x4442434e, 2, 0x78);
  load('clint_lw', 0x200bff8);
  load('fw_lw', 0x80000000);
  load('fw_end_lw', 0x8007fffc);
  load('plic_lw', 0x0c000004);
  load('sswi_lw', 0x2f00000);
  sbi('legacy_getchar', 0x02, 0, 0, 0);
  return out;
}

describe('S-mode probe parity (QEMU 7.2 + OpenSBI v1.1)', () => {
  it('the model prints what QEMU printed', async () => {
    let text = '';
    const { exit } = await runGuest(
      { clock: 'virtual', memory: 128 << 20, sbiDbcn: false },
      (h, a0, a1) => {
        text = sprobe(h, a0, a1);
        return 0;
      },
    );
    expect(exit.status).toBe(0);
    expect(text).toBe(expected);
  });

  const tools = qemuToolsFor('sprobe');
  it.skipIf(!tools)('the recording still matches qemu-system-riscv64 with OpenSBI', () => {
    const r = runProbeOnQemu(
      'sprobe',
      { linkScript: 'slink.ld', start: 'sprobe-start.S', source: 'sprobe.c' },
      [],
    );
    expect(r.ccErrors).toBe('');
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('@'));
    expect(`${lines.join('\n')}\n`).toBe(expected);
  });
});
