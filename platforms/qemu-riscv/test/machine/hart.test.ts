// The hart contract (isa/hart.ts): CSR privilege, access faults on holes and wrong widths, interrupt
// delivery points, wfi/poll, HartStopped after power-off.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import * as C from '../../src/isa/csr';
import { type Hart, HartStopped, type ImageEntry } from '../../src/isa/hart';
import {
  VIRT_CLINT,
  VIRT_DRAM,
  VIRT_PLIC,
  VIRT_RTC,
  VIRT_TEST,
  VIRT_UART0,
  VIRT_VIRTIO,
} from '../../src/isa/memmap';
import { powerOff, runGuest, testMachine } from './guest';

type Trap = [number, boolean, number];
const record = (hart: Hart): Trap[] => {
  const traps: Trap[] = [];
  hart.setTrapVector((c, i, t) => traps.push([c, i, t]));
  return traps;
};

describe('CSR access', () => {
  it('S-mode: M-level and unknown CSRs raise illegal-instruction with the instruction in tval', async () => {
    const { exit } = await runGuest({ clock: 'virtual' }, (hart) => {
      const traps = record(hart);
      expect(hart.csrr(C.CSR_MSTATUS)).toBe(0);
      expect(hart.csrr(C.CSR_MHARTID)).toBe(0);
      hart.csrw(C.CSR_CYCLE, 5); // read-only
      expect(hart.csrr(0x5c0)).toBe(0); // unknown
      expect(traps.map((t) => t[0])).toEqual(Array(4).fill(C.EXC_ILLEGAL_INSTRUCTION));
      expect(traps[0][2] >>> 20).toBe(C.CSR_MSTATUS);
      expect(traps[0][2] & 0x7f).toBe(0x73);
      expect(hart.csrr(C.CSR_SCAUSE)).toBe(C.EXC_ILLEGAL_INSTRUCTION);
      expect(hart.csrr(C.CSR_TIME)).toBeGreaterThanOrEqual(0);
      expect(hart.csrr(C.CSR_SSTATUS) & 0x1ff).toBe(C.SSTATUS_SPIE); // after the traps: SIE=SPIE(0), SPIE=1
      return 0;
    });
    expect(exit.status).toBe(0);
  });

  it('M-mode: mhartid, misa, mstatus MPP WARL, mie mask', async () => {
    const { exit } = await runGuest({ bios: 'none', clock: 'virtual' }, (hart) => {
      expect(hart.csrr(C.CSR_MHARTID)).toBe(0);
      expect(hart.csrr(C.CSR_MISA) & (1 << 7)).not.toBe(0); // H
      hart.csrw(C.CSR_MIE, 0xffffffff);
      expect(hart.csrr(C.CSR_MIE)).toBe(0xaaa);
      hart.csrw(C.CSR_MIE, 0);
      hart.csrw(C.CSR_MSTATUS, 2 << 11);
      expect(hart.csrr(C.CSR_MSTATUS)).toBe(0xa00000000); // reset value measured on QEMU 7.2
      expect(hart.csrr(C.CSR_MIP)).toBe(C.MIP_MTIP); // mtimecmp 0 <= mtime 0 after reset (measured)
      hart.csrw(C.CSR_MSTATUS, 3 << 11);
      hart.csrw(C.CSR_MSTATUS, 2 << 11);
      expect((hart.csrr(C.CSR_MSTATUS) >>> 11) & 3).toBe(3); // 2 is not a legal MPP: unchanged
      expect(hart.csrs(C.CSR_MSCRATCH, 0x100)).toBe(0);
      expect(hart.csrc(C.CSR_MSCRATCH, 0x100)).toBe(0x100);
      hart.csrw(C.CSR_STIMECMP, Number.MAX_SAFE_INTEGER);
      expect(hart.csrr(C.CSR_STIMECMP)).toBe(Number.MAX_SAFE_INTEGER);
      return 0;
    });
    expect(exit.status).toBe(0);
  });
});

describe('access faults (QEMU .valid sizes, holes, OpenSBI PMP)', () => {
  it('S-mode', async () => {
    const { exit, out } = await runGuest({ clock: 'virtual' }, (hart) => {
      const traps = record(hart);
      const faults = (f: () => unknown, cause = C.EXC_LOAD_ACCESS_FAULT) => {
        const n = traps.length;
        const v = f();
        expect(traps.length, `${f}`).toBe(n + 1);
        expect(traps[n][0]).toBe(cause);
        return v;
      };
      expect(faults(() => hart.load32(0))).toBe(0); // hole
      expect(faults(() => hart.load32(VIRT_CLINT + 0xbff8))).toBe(0); // M-only CLINT
      expect(traps[traps.length - 1][2]).toBe(VIRT_CLINT + 0xbff8);
      faults(() => hart.load8(VIRT_DRAM)); // firmware image
      faults(() => hart.load8(VIRT_PLIC + 4)); // PLIC is 4-byte only
      faults(() => hart.load16(VIRT_RTC)); // RTC is 4-byte only
      faults(() => hart.load8(VIRT_TEST)); // finisher is 2..4
      faults(() => hart.load32(VIRT_UART0 + 5)); // misaligned: second half hits the hole at +8
      faults(() => hart.store32(0x20000, 1), C.EXC_STORE_ACCESS_FAULT);
      hart.store32(0x3000, 1); // the boot ROM ignores writes
      faults(() => hart.load64(VIRT_PLIC + 8));
      expect(hart.load32(VIRT_UART0 + 4)).toBe(0); // aligned wide read returns the byte (MCR = 0 after OpenSBI)
      expect(hart.load8(VIRT_VIRTIO)).toBe(0x76); // empty slot: magic, any width
      expect(hart.load64(VIRT_VIRTIO)).toBe(0x174726976n);
      expect(hart.load16(VIRT_TEST)).toBe(0);
      hart.store16(VIRT_DRAM + 0x100001, 0xbeef); // misaligned RAM is fine
      expect(hart.load16(VIRT_DRAM + 0x100001)).toBe(0xbeef);
      return traps.length === 9 ? 0 : 1;
    });
    expect(out).toBe('');
    expect(exit.status).toBe(0);
  });

  it('M-mode reaches the CLINT and firmware RAM', async () => {
    const { exit } = await runGuest({ bios: 'none', clock: 'virtual' }, (hart) => {
      const traps = record(hart);
      hart.store64(VIRT_CLINT + 0x4000, 0x123456789abn);
      expect(hart.load64(VIRT_CLINT + 0x4000)).toBe(0x123456789abn);
      expect(hart.load32(VIRT_CLINT + 0x4004)).toBe(0x123);
      hart.store8(VIRT_DRAM, 9);
      expect(hart.load8(VIRT_DRAM)).toBe(9);
      return traps.length;
    });
    expect(exit.status).toBe(0);
  });

  it('an address that is not a safe non-negative integer faults at every width, xtval 0', async () => {
    const bad = [Number.NaN, Number.POSITIVE_INFINITY, -1, VIRT_DRAM + 0.5, 2 ** 53, 2 ** 64];
    for (const bios of ['default', 'none'] as const) {
      const { exit } = await runGuest({ bios, clock: 'virtual' }, (hart) => {
        const traps = record(hart);
        const ops: [string, (pa: number) => unknown, number][] = [
          ['load8', (pa) => hart.load8(pa), C.EXC_LOAD_ACCESS_FAULT],
          ['load16', (pa) => hart.load16(pa), C.EXC_LOAD_ACCESS_FAULT],
          ['load32', (pa) => hart.load32(pa), C.EXC_LOAD_ACCESS_FAULT],
          ['load64', (pa) => hart.load64(pa), C.EXC_LOAD_ACCESS_FAULT],
          ['store8', (pa) => hart.store8(pa, 1), C.EXC_STORE_ACCESS_FAULT],
          ['store16', (pa) => hart.store16(pa, 1), C.EXC_STORE_ACCESS_FAULT],
          ['store32', (pa) => hart.store32(pa, 1), C.EXC_STORE_ACCESS_FAULT],
          ['store64', (pa) => hart.store64(pa, 1n), C.EXC_STORE_ACCESS_FAULT],
        ];
        const seen: string[] = [];
        for (const [name, op, cause] of ops)
          for (const pa of bad) {
            const n = traps.length;
            const v = op(pa);
            const t = traps[n];
            if (traps.length !== n + 1 || t[0] !== cause || t[2] !== 0)
              seen.push(`${name}(${pa}): ${JSON.stringify(traps.slice(n))}`);
            if (name.startsWith('load') && v !== 0 && v !== 0n) seen.push(`${name}(${pa}) = ${v}`);
          }
        expect(seen).toEqual([]);
        expect(hart.load32(VIRT_DRAM + 0x200000)).toBe(0); // RAM untouched by the refused stores
        return 0;
      });
      expect(exit.status).toBe(0);
    }
  });
});

describe('parity with a bare-metal probe run on QEMU 7.2 (-bios none)', () => {
  it('faults, tval of split accesses, ROM writes, sie/sip without delegation, STIP/SEIP/MSIP in mip', async () => {
    const { exit } = await runGuest({ bios: 'none', clock: 'virtual' }, (h) => {
      const traps = record(h);
      const last = () => traps.at(-1) ?? [0, false, 0];
      h.load32(VIRT_UART0 + 5);
      expect(last()).toEqual([C.EXC_LOAD_ACCESS_FAULT, false, VIRT_UART0 + 8]);
      expect(h.load64(VIRT_UART0)).toBe(0n); // 8-byte UART read: RBR, no fault
      const n = traps.length;
      h.load32(VIRT_RTC + 2); // split into two valid 4-byte reads
      expect(traps.length).toBe(n);
      h.load64(VIRT_CLINT + 0xbffc);
      expect(last()).toEqual([C.EXC_LOAD_ACCESS_FAULT, false, VIRT_CLINT + 0xc000]);
      h.store8(VIRT_PLIC + 4, 1);
      expect(last()[0]).toBe(C.EXC_STORE_ACCESS_FAULT);
      expect(h.csrr(C.CSR_SIE)).toBe(0);
      h.csrw(C.CSR_SIE, 0x222);
      expect(h.csrr(C.CSR_SIE)).toBe(0);
      expect(h.csrr(C.CSR_SIP)).toBe(0);
      h.csrw(C.CSR_STIMECMP, 0);
      expect(h.csrr(C.CSR_MIP)).toBe(0xa0);
      h.csrw(C.CSR_STIMECMP, -1);
      expect(h.csrr(C.CSR_MIP)).toBe(0x80);
      h.csrw(C.CSR_MIP, 0x20);
      expect(h.csrr(C.CSR_MIP)).toBe(0xa0);
      h.csrw(C.CSR_MIP, 0x222);
      expect(h.csrr(C.CSR_MIP)).toBe(0x2a2);
      h.store32(VIRT_CLINT, 1);
      expect(h.csrr(C.CSR_MIP)).toBe(0x2aa);
      return 0;
    });
    expect(exit.status).toBe(0);
  });
});

describe('interrupt delivery', () => {
  it('M-mode timer: pending while masked, taken synchronously by the csrs that enables it', async () => {
    const { exit } = await runGuest({ bios: 'none', clock: 'virtual' }, (hart) => {
      const traps: (Trap & { mie: number })[] = [];
      hart.setTrapVector((c, i, t) => {
        traps.push(Object.assign([c, i, t] as Trap, { mie: hart.csrr(C.CSR_MSTATUS) & 0x88 }));
        hart.store64(VIRT_CLINT + 0x4000, 0xffffffffffffffffn);
      });
      hart.store64(VIRT_CLINT + 0x4000, 0n);
      hart.csrw(C.CSR_MIE, C.MIP_MTIP);
      expect(hart.csrr(C.CSR_MIP) & C.MIP_MTIP).toBe(C.MIP_MTIP);
      expect(traps).toHaveLength(0);
      hart.csrs(C.CSR_MSTATUS, C.MSTATUS_MIE);
      expect(traps).toHaveLength(1);
      expect(traps[0].slice(0, 2)).toEqual([C.IRQ_M_TIMER, true]);
      expect(traps[0].mie).toBe(C.MSTATUS_MPIE); // in the handler: MIE=0, MPIE=1
      expect(hart.csrr(C.CSR_MSTATUS) & C.MSTATUS_MIE).toBe(C.MSTATUS_MIE);
      expect(hart.csrr(C.CSR_MCAUSE)).toBe(0x80000000 | C.IRQ_M_TIMER | 0);
      return 0;
    });
    expect(exit.status).toBe(0);
  });

  it('S-mode software interrupt via sip, and wfi wakes on a masked-but-enabled interrupt', async () => {
    const { exit } = await runGuest({ clock: 'virtual' }, async (hart) => {
      const traps = record(hart);
      hart.csrw(C.CSR_SIE, C.MIP_SSIP);
      hart.csrs(C.CSR_SIP, C.MIP_SSIP); // SIE still 0: pending only
      expect(traps).toHaveLength(0);
      await hart.wfi(); // resolves: pending & enabled in sie
      expect(traps).toHaveLength(0);
      hart.setTrapVector((c) => {
        traps.push([c, true, 0]);
        hart.csrc(C.CSR_SIP, C.MIP_SSIP);
      });
      hart.csrs(C.CSR_SSTATUS, C.SSTATUS_SIE);
      expect(traps).toEqual([[C.IRQ_S_SOFT, true, 0]]);
      return 0;
    });
    expect(exit.status).toBe(0);
  });

  it('Sstc on the virtual clock: wfi jumps exactly to stimecmp, deterministically', async () => {
    const run = async () => {
      const times: number[] = [];
      const { exit } = await runGuest({ clock: 'virtual' }, async (hart) => {
        hart.setTrapVector((c) => {
          times.push(c, hart.csrr(C.CSR_TIME));
          hart.csrw(C.CSR_STIMECMP, Number.MAX_SAFE_INTEGER);
        });
        hart.csrw(C.CSR_SIE, C.MIP_STIP);
        hart.csrs(C.CSR_SSTATUS, C.SSTATUS_SIE);
        for (let i = 1; i <= 3; i++) {
          hart.csrw(C.CSR_STIMECMP, hart.csrr(C.CSR_TIME) + 10_000 * i);
          await hart.wfi();
        }
        return 0;
      });
      expect(exit.status).toBe(0);
      return times;
    };
    const a = await run();
    expect(a).toEqual([C.IRQ_S_TIMER, 10_000, C.IRQ_S_TIMER, 30_000, C.IRQ_S_TIMER, 60_000]);
    expect(await run()).toEqual(a);
  });

  it('CLINT timer on the virtual clock (M-mode): MTIP at mtimecmp, mtime then equals it', async () => {
    const { exit, m } = await runGuest({ bios: 'none', clock: 'virtual' }, async (hart) => {
      let at = 0n;
      hart.setTrapVector(() => {
        at = hart.load64(VIRT_CLINT + 0xbff8);
        hart.store64(VIRT_CLINT + 0x4000, 0xffffffffffffffffn);
      });
      hart.csrw(C.CSR_MIE, C.MIP_MTIP);
      hart.csrs(C.CSR_MSTATUS, C.MSTATUS_MIE);
      hart.store64(VIRT_CLINT + 0x4000, 12_345n);
      await hart.wfi();
      return at === 12_345n ? 0 : 1;
    });
    expect(exit.status).toBe(0);
    expect(m.stats.mtime).toBe(12_345n);
    expect(m.stats.clockJumps).toBe(1);
  });

  it('virtual clock: host work in flight (a device waiting on a host service) holds time still; its release lets it jump', async () => {
    const { m } = testMachine({ bios: 'none', clock: 'virtual' });
    // the host service answers 40 ms of host time later; meanwhile the guest waits on a timer 1 s away
    const release = m.board.virtio[0].hostWork();
    let heldJumps = -1;
    let heldTime = -1n;
    setTimeout(() => {
      heldJumps = m.stats.clockJumps;
      heldTime = m.stats.mtime;
      release();
      release(); // idempotent: a second call must not release someone else's hold
    }, 40);
    const entry: ImageEntry = async (hart) => {
      hart.setTrapVector(() => hart.store64(VIRT_CLINT + 0x4000, 0xffffffffffffffffn));
      hart.csrw(C.CSR_MIE, C.MIP_MTIP);
      hart.csrs(C.CSR_MSTATUS, C.MSTATUS_MIE);
      hart.store64(VIRT_CLINT + 0x4000, 10_000_000n);
      await hart.wfi();
      const other = m.board.virtio[1].hostWork();
      other(); // a hold begun and released while running leaves the clock free
      hart.store64(VIRT_CLINT + 0x4000, 20_000_000n);
      await hart.wfi();
      powerOff(hart, 0);
    };
    const exit = await m.boot(entry);
    expect(exit.status).toBe(0);
    expect(heldJumps).toBe(0);
    expect(heldTime).toBeLessThan(10_000_000n);
    expect(m.stats.clockJumps).toBe(2);
    expect(m.stats.mtime).toBe(20_000_000n);
  });

  it('host clock: wfi sleeps until the stimecmp deadline in host time', async () => {
    let elapsed = 0;
    const { exit } = await runGuest({ clock: 'host' }, async (hart) => {
      hart.setTrapVector(() => hart.csrw(C.CSR_STIMECMP, Number.MAX_SAFE_INTEGER));
      hart.csrw(C.CSR_SIE, C.MIP_STIP);
      hart.csrs(C.CSR_SSTATUS, C.SSTATUS_SIE);
      const t0 = performance.now();
      const start = hart.csrr(C.CSR_TIME);
      hart.csrw(C.CSR_STIMECMP, start + 200_000); // 20 ms at 10 MHz
      await hart.wfi();
      elapsed = performance.now() - t0;
      return hart.csrr(C.CSR_TIME) >= start + 200_000 ? 0 : 1;
    });
    expect(exit.status).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(19);
    expect(elapsed).toBeLessThan(2000);
  });

  it('poll() gives the host a turn only once a millisecond has passed', async () => {
    const { exit, m } = await runGuest({ clock: 'virtual' }, async (hart) => {
      const first = hart.poll();
      if (first) await first;
      expect(hart.poll()).toBeNull();
      const t = performance.now();
      while (performance.now() - t < 2);
      const p = hart.poll();
      expect(p).toBeInstanceOf(Promise);
      await p;
      expect(hart.poll()).toBeNull();
      return 0;
    });
    expect(exit.status).toBe(0);
    expect(m.stats.hostTurns).toBeGreaterThanOrEqual(1);
  });
});

describe('after power-off', () => {
  it('every hart op throws HartStopped and wfi never settles', async () => {
    let saved: Hart | null = null;
    const { m } = testMachine({ clock: 'virtual' });
    const exit = await m.boot((hart) => {
      saved = hart;
      hart.store32(VIRT_TEST, 0x5555);
    });
    expect(exit.status).toBe(0);
    const h = saved as unknown as Hart;
    expect(() => h.load8(VIRT_DRAM + 0x100000)).toThrow(HartStopped);
    expect(() => h.csrr(C.CSR_SSTATUS)).toThrow(HartStopped);
    expect(() => h.ecall(0x10, 0)).toThrow(HartStopped);
    expect(() => h.poll()).toThrow(HartStopped);
    expect(() => h.wfi()).toThrow(HartStopped);
  });
});
