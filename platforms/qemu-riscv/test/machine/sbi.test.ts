// The SBI firmware (REFERENCE.md §16, SBI v2.0, OpenSBI v1.1 error codes): every call and its errors.
import { describe, expect, it } from 'vitest';
import * as C from '../../src/isa/csr';
import type { Hart, ImageEntry, SecondaryEntry } from '../../src/isa/hart';
import { VIRT_DRAM } from '../../src/isa/memmap';
import * as S from '../../src/isa/sbi';
import { runGuest, testMachine } from './guest';

const NOT_SUPPORTED = S.SBI_ERR_NOT_SUPPORTED;
const INVALID = S.SBI_ERR_INVALID_PARAM;
const base = (h: Hart, fid: number, ...a: number[]) => h.ecall(S.SBI_EXT_BASE, fid, ...a);

describe('SBI BASE and unknown calls', () => {
  it('reports versions, ids and probes extensions', async () => {
    const { exit } = await runGuest({ clock: 'virtual' }, (h) => {
      expect(base(h, S.SBI_BASE_GET_SPEC_VERSION)).toEqual({ error: 0, value: 0x02000000 });
      expect(base(h, S.SBI_BASE_GET_IMPL_ID)).toEqual({ error: 0, value: 1 });
      expect(base(h, S.SBI_BASE_GET_IMPL_VERSION)).toEqual({ error: 0, value: 0x10001 });
      for (const eid of [
        S.SBI_EXT_TIME,
        S.SBI_EXT_IPI,
        S.SBI_EXT_RFENCE,
        S.SBI_EXT_HSM,
        S.SBI_EXT_SRST,
        S.SBI_EXT_DBCN,
        0x01,
      ])
        expect(base(h, S.SBI_BASE_PROBE_EXT, eid).value, `probe ${eid.toString(16)}`).toBe(1);
      expect(base(h, S.SBI_BASE_PROBE_EXT, 0x12345678)).toEqual({ error: 0, value: 0 });
      expect(base(h, S.SBI_BASE_GET_MVENDORID).value).toBe(0);
      expect(base(h, S.SBI_BASE_GET_MARCHID).value).toBe(0x70216);
      expect(base(h, S.SBI_BASE_GET_MIMPID).value).toBe(0x70216);
      expect(base(h, 99).error).toBe(NOT_SUPPORTED);
      expect(h.ecall(0x7fffffff, 0).error).toBe(NOT_SUPPORTED);
      for (const eid of [
        S.SBI_EXT_TIME,
        S.SBI_EXT_IPI,
        S.SBI_EXT_HSM,
        S.SBI_EXT_SRST,
        S.SBI_EXT_DBCN,
      ])
        expect(h.ecall(eid, 77).error).toBe(NOT_SUPPORTED);
      expect(h.ecall(S.SBI_EXT_RFENCE, 7).error).toBe(NOT_SUPPORTED);
      return 0;
    });
    expect(exit.status).toBe(0);
  });

  it('without DBCN: exactly OpenSBI v1.1 (spec 1.0, DBCN absent)', async () => {
    const { exit } = await runGuest({ clock: 'virtual', sbiDbcn: false }, (h) => {
      expect(base(h, S.SBI_BASE_GET_SPEC_VERSION).value).toBe(0x01000000);
      expect(base(h, S.SBI_BASE_PROBE_EXT, S.SBI_EXT_DBCN).value).toBe(0);
      expect(h.ecall(S.SBI_EXT_DBCN, 2, 65).error).toBe(NOT_SUPPORTED);
      return 0;
    });
    expect(exit.status).toBe(0);
  });

  it('M-mode ecall traps to the kernel with EXC_ECALL_M', async () => {
    const { exit } = await runGuest({ clock: 'virtual', bios: 'none' }, (h) => {
      const causes: number[] = [];
      h.setTrapVector((c) => causes.push(c));
      expect(h.ecall(S.SBI_EXT_BASE, 0).error).toBe(NOT_SUPPORTED);
      expect(causes).toEqual([C.EXC_ECALL_M]);
      return 0;
    });
    expect(exit.status).toBe(0);
  });
});

describe('SBI TIME, IPI, RFENCE', () => {
  it('set_timer writes stimecmp with Sstc semantics (past: STIP, future: cleared)', async () => {
    const { exit } = await runGuest({ clock: 'virtual' }, (h) => {
      expect(h.ecall(S.SBI_EXT_TIME, 0, 0)).toEqual({ error: 0, value: 0 });
      expect(h.csrr(C.CSR_SIP) & C.MIP_STIP).toBe(C.MIP_STIP);
      expect(h.ecall(S.SBI_EXT_TIME, 0, 1_000_000).error).toBe(0);
      expect(h.csrr(C.CSR_STIMECMP)).toBe(1_000_000);
      expect(h.csrr(C.CSR_SIP) & C.MIP_STIP).toBe(0);
      expect(h.ecall(S.SBI_EXT_LEGACY_SET_TIMER, 0, 0).error).toBe(0);
      expect(h.csrr(C.CSR_SIP) & C.MIP_STIP).toBe(C.MIP_STIP);
      h.ecall(S.SBI_EXT_TIME, 0, -1); // (u64)-1: never
      expect(h.csrr(C.CSR_SIP) & C.MIP_STIP).toBe(0);
      return 0;
    });
    expect(exit.status).toBe(0);
  });

  it('send_ipi raises SSIP on started harts; bad base is INVALID_PARAM', async () => {
    const { exit } = await runGuest({ clock: 'virtual', smp: 2 }, (h) => {
      expect(h.ecall(S.SBI_EXT_IPI, 0, 1, 0)).toEqual({ error: 0, value: 0 });
      expect(h.csrr(C.CSR_SIP) & C.MIP_SSIP).toBe(C.MIP_SSIP);
      h.csrc(C.CSR_SIP, C.MIP_SSIP);
      expect(h.ecall(S.SBI_EXT_IPI, 0, 1, 2).error).toBe(INVALID);
      expect(h.ecall(S.SBI_EXT_IPI, 0, 0, -1).error).toBe(0); // all harts
      expect(h.csrr(C.CSR_SIP) & C.MIP_SSIP).toBe(C.MIP_SSIP);
      expect(h.ecall(S.SBI_EXT_LEGACY_CLEAR_IPI, 0).error).toBe(0);
      expect(h.csrr(C.CSR_SIP) & C.MIP_SSIP).toBe(0);
      for (let f = 0; f <= 6; f++) expect(h.ecall(S.SBI_EXT_RFENCE, f, 1, 0).error).toBe(0);
      expect(h.ecall(S.SBI_EXT_RFENCE, 0, 1, 9).error).toBe(INVALID);
      // legacy send_ipi reads the mask from memory; a bad pointer is a load fault redirected to S-mode
      const mask = VIRT_DRAM + 0x200000;
      h.store64(mask, 1n);
      expect(h.ecall(S.SBI_EXT_LEGACY_SEND_IPI, 0, mask).error).toBe(0);
      expect(h.csrr(C.CSR_SIP) & C.MIP_SSIP).toBe(C.MIP_SSIP);
      const causes: number[] = [];
      h.setTrapVector((c) => causes.push(c));
      h.ecall(S.SBI_EXT_LEGACY_SEND_IPI, 0, 0x40);
      expect(causes).toEqual([C.EXC_LOAD_ACCESS_FAULT]);
      return 0;
    });
    expect(exit.status).toBe(0);
  });
});

describe('SBI HSM', () => {
  it('status, start errors, start runs the secondary entry with a0 = hartid, a1 = opaque, suspend', async () => {
    const { m } = testMachine({ clock: 'virtual', smp: 2 });
    const seen: number[][] = [];
    const boots: number[] = [];
    const secondary: SecondaryEntry = (h, a0, a1) => {
      seen.push([h.hartid, a0, a1, h.ecall(S.SBI_EXT_HSM, 2, 1).value]);
      h.ecall(S.SBI_EXT_HSM, S.SBI_HSM_HART_STOP);
    };
    const entry: ImageEntry = Object.assign(
      async (h: Hart, a0: number) => {
        boots.push(a0);
        const hsm = (fid: number, ...a: number[]) => h.ecall(S.SBI_EXT_HSM, fid, ...a);
        expect(hsm(2, 0)).toEqual({ error: 0, value: 0 });
        expect(hsm(2, 1)).toEqual({ error: 0, value: 1 });
        expect(hsm(2, 2).error).toBe(INVALID);
        expect(hsm(0, 5, 0x80200000, 0).error).toBe(INVALID);
        expect(hsm(0, 0, 0x80200000, 0).error).toBe(S.SBI_ERR_ALREADY_AVAILABLE);
        expect(hsm(0, 1, 0x80000000, 0).error).toBe(S.SBI_ERR_INVALID_ADDRESS); // firmware
        expect(hsm(0, 1, 0x80200000, 99).error).toBe(0);
        expect(hsm(2, 1).value).toBe(2); // START_PENDING until hart 0 lets it run
        expect(hsm(0, 1, 0x80200000, 99).error).toBe(INVALID);
        expect(hsm(3, 0).error).toBe(0);
        expect(hsm(3, 0x80000000).error).toBe(NOT_SUPPORTED);
        expect(hsm(3, 7).error).toBe(INVALID);
        expect(seen).toEqual([]);
        await h.poll(); // a switch point: hart 1 runs its entry until it stops
        expect(seen).toEqual([[1, 1, 99, 0]]);
        expect(hsm(2, 1).value).toBe(1); // stopped again
        h.ecall(S.SBI_EXT_SRST, 0, 0, 0);
      },
      { secondary },
    );
    const exit = await m.boot(entry);
    expect(exit.status).toBe(0);
    expect(boots).toEqual([0]); // the image entry ran once, on the boot hart only
  });

  it('hart_start fails with INVALID_ADDRESS when the image has no secondary entry', async () => {
    const { exit } = await runGuest({ clock: 'virtual', smp: 2 }, (h) => {
      expect(h.ecall(S.SBI_EXT_HSM, 0, 1, 0x80200000, 0).error).toBe(S.SBI_ERR_INVALID_ADDRESS);
      expect(h.ecall(S.SBI_EXT_HSM, 2, 1).value).toBe(1);
      return 0;
    });
    expect(exit.status).toBe(0);
  });
});

describe('SBI SRST and legacy shutdown', () => {
  const reset = (type: number, reason: number) => async () =>
    runGuest({ clock: 'virtual' }, (h) => {
      expect(h.ecall(S.SBI_EXT_SRST, 0, 3, 0).error).toBe(INVALID);
      expect(h.ecall(S.SBI_EXT_SRST, 0, 0, 2).error).toBe(INVALID);
      h.ecall(S.SBI_EXT_SRST, 0, type, reason);
      return 99;
    });
  it('shutdown NONE exits 0', async () =>
    expect((await reset(0, 0)()).exit).toEqual({ status: 0, reason: 'poweroff' }));
  it('shutdown SYSFAIL exits 1', async () => expect((await reset(0, 1)()).exit.status).toBe(1));
  it('legacy shutdown exits 0', async () => {
    const { exit } = await runGuest({ clock: 'virtual' }, (h) => {
      h.ecall(S.SBI_EXT_LEGACY_SHUTDOWN, 0);
      return 5;
    });
    expect(exit.status).toBe(0);
  });
  it('cold and warm reboot restart the image', async () => {
    for (const type of [1, 2]) {
      const { m } = testMachine({ clock: 'virtual' });
      let boots = 0;
      const exit = await m.boot((h) => {
        if (++boots < 3) h.ecall(S.SBI_EXT_SRST, 0, type, 0);
        h.ecall(S.SBI_EXT_SRST, 0, 0, 0);
      });
      expect(exit.status).toBe(0);
      expect(boots).toBe(3);
    }
  });
  it('-no-reboot: a cold or warm reboot ends the machine (status 0, reason reset)', async () => {
    for (const type of [1, 2]) {
      const { m } = testMachine({ clock: 'virtual', noReboot: true });
      let boots = 0;
      const exit = await m.boot((h) => {
        boots++;
        h.ecall(S.SBI_EXT_SRST, 0, type, 0);
      });
      expect(exit).toEqual({ status: 0, reason: 'reset' });
      expect(boots).toBe(1);
    }
  });
});

describe('SBI console: legacy putchar/getchar and DBCN', () => {
  it('writes, reads and checks buffer addresses', async () => {
    const { m, con } = testMachine({ clock: 'virtual' });
    con.input('xy');
    const exit = await m.boot((h) => {
      expect(h.ecall(S.SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, 0x41).error).toBe(0);
      expect(h.ecall(S.SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0).error).toBe(0x78);
      const buf = VIRT_DRAM + 0x300000;
      h.ram.u8.set(new TextEncoder().encode('hello'), buf - VIRT_DRAM);
      expect(h.ecall(S.SBI_EXT_DBCN, 0, 5, buf, 0)).toEqual({ error: 0, value: 5 });
      expect(h.ecall(S.SBI_EXT_DBCN, 0, 5, buf, 1).error).toBe(INVALID);
      expect(h.ecall(S.SBI_EXT_DBCN, 0, 5, VIRT_DRAM, 0).error).toBe(INVALID); // firmware
      expect(h.ecall(S.SBI_EXT_DBCN, 0, 5, VIRT_DRAM + 16 * 1024 * 1024 - 2, 0).error).toBe(
        INVALID,
      );
      expect(h.ecall(S.SBI_EXT_DBCN, 2, 0x21)).toEqual({ error: 0, value: 0 });
      expect(h.ecall(S.SBI_EXT_DBCN, 1, 4, buf, 0)).toEqual({ error: 0, value: 1 });
      expect(h.ram.u8[buf - VIRT_DRAM]).toBe(0x79);
      expect(h.ecall(S.SBI_EXT_DBCN, 1, 4, buf, 0)).toEqual({ error: 0, value: 0 });
      expect(h.ecall(S.SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0).error).toBe(-1);
      h.ecall(S.SBI_EXT_SRST, 0, 0, 0);
    });
    expect(con.output).toBe('Ahello!');
    expect(exit.status).toBe(0);
  });
});
