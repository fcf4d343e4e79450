// Boot hand-off and life cycle of the machine (REFERENCE.md §3, §14): both modes, both clocks.
import { describe, expect, it } from 'vitest';
import * as C from '../../src/isa/csr';
import { CSR_MHARTID } from '../../src/isa/csr';
import { HartStopped, type ImageEntry } from '../../src/isa/hart';
import { FINISHER_RESET, VIRT_DRAM, VIRT_TEST } from '../../src/isa/memmap';
import { buildVirtDtb } from '../../src/machine';
import { powerOff, runGuest, testMachine, uartPuts } from './guest';

const MiB = 1024 * 1024;

describe('boot', () => {
  for (const bios of ['default', 'none'] as const)
    for (const clock of ['host', 'virtual'] as const)
      it(`prints through the UART and powers off (bios ${bios}, ${clock} clock)`, async () => {
        const { exit, out } = await runGuest({ bios, clock }, (hart, a0) => {
          expect(hart.mode).toBe(bios === 'none' ? 'M' : 'S');
          expect(a0).toBe(0);
          uartPuts(hart, 'hello\n');
          return 0;
        });
        expect(out).toBe('hello\n');
        expect(exit).toEqual({ status: 0, reason: 'poweroff' });
      });

  it('hands a1 = the DT address QEMU uses, with the DT copied there', async () => {
    const { exit, m } = await runGuest({ memory: 128 * MiB, bios: 'none' }, (hart, _a0, a1) => {
      expect(a1).toBe(0x87e00000);
      const off = a1 - VIRT_DRAM;
      expect(hart.ram.view.getUint32(off, false)).toBe(0xd00dfeed);
      expect(hart.csrr(CSR_MHARTID)).toBe(0);
      return 0;
    });
    expect(exit.status).toBe(0);
    expect(m.fdtAddr).toBe(0x87e00000);
  });

  it('places the DT below min(RAM end, 3 GiB) as QEMU does (measured 64 MiB, 128 MiB, 3 GiB)', () => {
    for (const [memory, at] of [
      [64 * MiB, 0x83e00000],
      [128 * MiB, 0x87e00000],
      [3072 * MiB, 0xbfe00000],
    ])
      expect(testMachine({ memory }).m.fdtAddr).toBe(at);
  });

  it('dtb() is the generator output for the options (dumpdtb)', () => {
    const seed = new Uint8Array(32).fill(3);
    const { m } = testMachine({ memory: 64 * MiB, smp: 2, append: 'a=b', rngSeed: seed });
    expect(m.dtb()).toEqual(
      buildVirtDtb({
        memoryBytes: 64 * MiB,
        smp: 2,
        aclint: false,
        bootargs: 'a=b',
        rngSeed: seed,
      }),
    );
  });

  it('places the initrd at entry + min(RAM/2, 128 MiB) and records it in /chosen', async () => {
    const initrd = new Uint8Array(4096).map((_, i) => i & 0xff);
    for (const [bios, start] of [
      ['none', 0x84000000],
      ['default', 0x84200000],
    ] as const) {
      const { exit, m } = await runGuest({ memory: 128 * MiB, bios, initrd }, (hart) => {
        const off = start - VIRT_DRAM;
        expect([...hart.ram.u8.subarray(off, off + 8)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        return 0;
      });
      expect(exit.status).toBe(0);
      const text = new TextDecoder('latin1').decode(m.dtb());
      expect(text).toContain('linux,initrd-start');
    }
  });

  it('S-mode: the DT in RAM has OpenSBI fix-ups (reserved firmware, PLIC M contexts disabled)', async () => {
    const { exit, m } = await runGuest({ memory: 128 * MiB }, (hart, _a0, a1) => {
      const off = a1 - VIRT_DRAM;
      const size = hart.ram.view.getUint32(off + 4, false);
      const text = new TextDecoder('latin1').decode(hart.ram.u8.subarray(off, off + size));
      expect(text).toContain('mmode_resv0@80000000');
      return 0;
    });
    expect(exit.status).toBe(0);
    expect(new TextDecoder('latin1').decode(m.dtb())).not.toContain('mmode_resv0');
  });

  it('finisher RESET reboots the image on a fresh hart, keeping RAM', async () => {
    const { m, con } = testMachine({ bios: 'none', clock: 'virtual' });
    let boots = 0;
    const entry: ImageEntry = (hart) => {
      boots++;
      const marker = hart.ram.view.getUint32(0x100000, true);
      uartPuts(hart, `boot ${boots} marker ${marker}\n`);
      if (boots === 1) {
        hart.ram.view.setUint32(0x100000, 42, true);
        expect(() => hart.store32(VIRT_TEST, FINISHER_RESET)).toThrow(HartStopped);
        expect(() => hart.load8(VIRT_DRAM)).toThrow(HartStopped);
        return;
      }
      powerOff(hart, 0);
    };
    const exit = await m.boot(entry);
    expect(exit.status).toBe(0);
    expect(con.output).toBe('boot 1 marker 0\nboot 2 marker 42\n');
    expect(m.stats.boots).toBe(2);
  });

  it('after a reset mtime restarts at 0 and timers still fire at their deadline', async () => {
    const { m } = testMachine({ clock: 'virtual' });
    const seen: number[] = [];
    const exit = await m.boot(async (hart) => {
      hart.setTrapVector(() => hart.csrw(C.CSR_STIMECMP, Number.MAX_SAFE_INTEGER));
      hart.csrw(C.CSR_SIE, C.MIP_STIP);
      hart.csrs(C.CSR_SSTATUS, C.SSTATUS_SIE);
      seen.push(hart.csrr(C.CSR_TIME));
      hart.csrw(C.CSR_STIMECMP, hart.csrr(C.CSR_TIME) + 5000);
      await hart.wfi();
      seen.push(hart.csrr(C.CSR_TIME));
      if (seen.length < 4) hart.store32(VIRT_TEST, FINISHER_RESET);
      powerOff(hart, 0);
    });
    expect(exit.status).toBe(0);
    expect(seen).toEqual([0, 5000, 0, 5000]);
  });

  it('a guest exception escaping the entry ends the run with status 1 and a console message', async () => {
    const { m, con } = testMachine({ clock: 'virtual' });
    const exit = await m.boot(() => {
      throw new Error('kaboom');
    });
    expect(exit).toEqual({ status: 1, reason: 'guest-error' });
    expect(con.output).toContain('kaboom');
  });

  it('a trap with no handler installed is a panic-trap', async () => {
    const { m, con } = testMachine({ clock: 'virtual', bios: 'none' });
    const exit = await m.boot((hart) => {
      hart.load32(0); // hole: access fault, no handler
    });
    expect(exit).toEqual({ status: 1, reason: 'panic-trap' });
    expect(con.output).toContain('no trap handler');
  });

  it('an entry that returns is a guest error', async () => {
    const { m, con } = testMachine({ clock: 'virtual' });
    const exit = await m.boot(async () => {});
    expect(exit.reason).toBe('guest-error');
    expect(con.output).toContain('returned without powering');
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => testMachine({ memory: 1000 })).toThrow(/memory/);
    expect(() => testMachine({ smp: 0 })).toThrow(/smp/);
    expect(() => testMachine({ bios: 'x' as never })).toThrow(/bios/);
    expect(() => testMachine({ clock: 'y' as never })).toThrow(/clock/);
  });

  it('takes RAM down to 8 KiB with -bios none, but more than 2 MiB under the firmware', () => {
    expect(() => testMachine({ memory: 4096 })).toThrow('between 8 KiB and 16 TiB');
    expect(() => testMachine({ memory: 8192, bios: 'none' })).not.toThrow();
    expect(() => testMachine({ memory: 2 << 20 })).toThrow(
      'cannot hold the SBI firmware and a kernel at 0x80200000',
    );
    expect(() => testMachine({ memory: (2 << 20) + 4096 })).not.toThrow();
  });
});
