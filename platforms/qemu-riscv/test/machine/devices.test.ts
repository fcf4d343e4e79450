// Device registers with out-of-range values and QEMU's quirks (REFERENCE.md §10–§14), through qtest and
// through guests: PLIC, UART (RX interrupt via the PLIC), goldfish RTC, finisher, CLINT.
import { describe, expect, it } from 'vitest';
import * as C from '../../src/isa/csr';
import { VIRT_PLIC, VIRT_RTC, VIRT_TEST, VIRT_UART0 } from '../../src/isa/memmap';
import { createQtestSession } from '../../src/machine';
import { runGuest, testMachine } from './guest';

const session = (opts = {}) => {
  const { m, con } = testMachine({ bios: 'none', ...opts });
  const q = createQtestSession(m.qtest);
  return { m, con, q, ok: (l: string) => q(l).replace(/^OK 0x0*(?=.)/, '0x') };
};

describe('PLIC', () => {
  it('priorities mod 8, thresholds, ties to the lowest ID, strict threshold, unchecked complete', () => {
    const { m, q, ok } = session();
    q('writel 0xc000008 0xfffffffe');
    expect(ok('readl 0xc000008')).toBe('0x6');
    for (const src of [3, 5, 4]) m.board.plic.setIrq(src, true);
    for (const src of [3, 4, 5]) q(`writel 0x${(0xc000000 + 4 * src).toString(16)} 2`);
    q('writel 0xc002080 0x38'); // S context enables 3..5
    expect(ok('readl 0xc001000')).toBe('0x38');
    q('writel 0xc201000 2'); // threshold 2: priority 2 does not pass (strict)
    expect(ok('readl 0xc201004')).toBe('0x0');
    q('writel 0xc201000 1');
    expect(ok('readl 0xc201004')).toBe('0x3'); // tie → lowest ID; claimed and no longer pending
    expect(ok('readl 0xc001000')).toBe('0x30');
    m.board.plic.setIrq(3, true); // re-raised while claimed: pending again, but not claimable
    expect(ok('readl 0xc201004')).toBe('0x4');
    q('writel 0xc201004 3'); // complete
    expect(ok('readl 0xc201004')).toBe('0x3');
    q('writel 0xc201004 96'); // out of range: ignored
    q('writel 0xc201004 77'); // never claimed: accepted silently
    m.board.plic.setIrq(96, true); // no such source
    m.board.plic.setIrq(5, false); // lowering never clears pending
    expect(ok('readl 0xc001000')).toBe('0x20');
  });

  it('drives SEIP: the S-mode kernel claims the UART interrupt in its trap handler', async () => {
    const { m, con } = testMachine({ clock: 'virtual' });
    setTimeout(() => con.input('ping'), 5);
    let got = '';
    const exit = await m.boot(async (h) => {
      const ctx = 1; // hart 0 S-mode
      h.store32(VIRT_PLIC + 4 * 10, 1);
      h.store32(VIRT_PLIC + 0x2000 + 0x80 * ctx, 1 << 10);
      h.store32(VIRT_PLIC + 0x200000 + 0x1000 * ctx, 0);
      h.store8(VIRT_UART0 + 1, 1); // IER: RX data
      h.setTrapVector((cause, irq) => {
        expect([cause, irq]).toEqual([C.IRQ_S_EXT, true]);
        const id = h.load32(VIRT_PLIC + 0x200004 + 0x1000 * ctx);
        while (h.load8(VIRT_UART0 + 5) & 1) got += String.fromCharCode(h.load8(VIRT_UART0));
        h.store32(VIRT_PLIC + 0x200004 + 0x1000 * ctx, id);
      });
      h.csrw(C.CSR_SIE, C.MIP_SEIP);
      h.csrs(C.CSR_SSTATUS, C.SSTATUS_SIE);
      while (got.length < 4) await h.wfi();
      h.ecall(0x53525354, 0, 0, 0);
    });
    expect(exit.status).toBe(0);
    expect(got).toBe('ping');
    expect(m.stats.interrupts).toBeGreaterThanOrEqual(1);
  });
});

describe('virtual clock and host input', () => {
  it('host input that already arrived is delivered before the clock jumps to the next deadline', async () => {
    const { m, con } = testMachine({ clock: 'virtual' });
    const events: string[] = [];
    const exit = await m.boot(async (h) => {
      h.store32(VIRT_PLIC + 4 * 10, 1);
      h.store32(VIRT_PLIC + 0x2080, 1 << 10);
      h.store32(VIRT_PLIC + 0x201000, 0); // S-context threshold: updates the outputs
      h.store8(VIRT_UART0 + 1, 1);
      h.setTrapVector((cause) => {
        if (cause === C.IRQ_S_EXT) {
          const id = h.load32(VIRT_PLIC + 0x201004);
          events.push(`rx ${String.fromCharCode(h.load8(VIRT_UART0))} at ${h.csrr(C.CSR_TIME)}`);
          h.store32(VIRT_PLIC + 0x201004, id);
        } else {
          events.push(`timer at ${h.csrr(C.CSR_TIME)}`);
          h.csrw(C.CSR_STIMECMP, -1);
        }
      });
      h.csrw(C.CSR_SIE, C.MIP_SEIP | C.MIP_STIP);
      h.csrs(C.CSR_SSTATUS, C.SSTATUS_SIE);
      h.csrw(C.CSR_STIMECMP, 10_000_000); // 1 s of guest time away
      setImmediate(() => con.input('k')); // host I/O arriving while the hart goes idle
      await h.wfi();
      await h.wfi();
      h.ecall(0x53525354, 0, 0, 0);
    });
    expect(exit.status).toBe(0);
    expect(events).toEqual(['rx k at 0', 'timer at 10000000']);
  });
});

describe('UART', () => {
  it('IIR priorities, THRE interrupt semantics, FIFO trigger level and character timeout', () => {
    const { m, q, ok, con } = session({ clock: 'virtual' });
    expect(ok('readb 0x10000002')).toBe('0x1');
    q('writeb 0x10000001 0xff'); // only the low 4 IER bits stick
    expect(ok('readb 0x10000001')).toBe('0xf');
    expect(ok('readb 0x10000002')).toBe('0x2'); // THRE pending
    expect(ok('readb 0x10000002')).toBe('0x1'); // reading IIR cleared it
    q('writeb 0x10000000 0x41'); // transmit re-raises THRE
    expect(con.output).toBe('A');
    expect(ok('readb 0x10000002')).toBe('0x2');
    q('writeb 0x10000002 0x81'); // FIFO on, trigger level 8 (the implied TX reset re-arms THRE)
    expect(ok('readb 0x10000002')).toBe('0xc2');
    expect(ok('readb 0x10000002')).toBe('0xc1');
    con.input('abc');
    expect(ok('readb 0x10000005')).toBe('0x61'); // DR, but below the trigger: no RDI
    expect(ok('readb 0x10000002')).toBe('0xc1');
    q('clock_step'); // 4 character times later: timeout interrupt
    expect(ok('readb 0x10000002')).toBe('0xcc');
    expect(ok('readb 0x10000000')).toBe('0x61');
    expect(m.board.uart.queuedInput).toBe(0);
    q('writeb 0x10000002 0x87'); // clear FIFOs
    expect(ok('readb 0x10000005')).toBe('0x60');
    q('writeb 0x10000004 0x10'); // loopback
    q('writeb 0x10000000 0x5a');
    expect(ok('readb 0x10000000')).toBe('0x5a');
    expect(con.output).toBe('A');
  });

  it('non-FIFO overrun sets OE, cleared by reading LSR', () => {
    const { q, ok, con } = session();
    con.input('x');
    q('writeb 0x10000004 0x18');
    q('writeb 0x10000000 0x31'); // loopback byte on top of the unread one
    expect(ok('readb 0x10000005')).toBe('0x63');
    expect(ok('readb 0x10000005')).toBe('0x61');
    expect(ok('readb 0x10000000')).toBe('0x31');
  });
});

describe('goldfish RTC', () => {
  // Register semantics on the machine clock (-rtc clock=vm), which qtest holds and steps.
  const epoch = 0x1_2345_6789_0000n;
  it('TIME_LOW latches TIME_HIGH; writes move the clock; 32-bit only', () => {
    const { q, ok } = session({ rtcEpochNs: epoch, rtcClock: 'vm' });
    expect(ok('readl 0x101004')).toBe('0x0'); // before any TIME_LOW read
    expect(ok('readl 0x101000')).toBe('0x67890000');
    q('writel 0x101000 0xfffffff0');
    q('clock_step 0x20'); // the low half wraps; TIME_HIGH keeps the latched value
    expect(ok('readl 0x101004')).toBe('0x12345');
    expect(ok('readl 0x101000')).toBe('0x10');
    expect(ok('readl 0x101004')).toBe('0x12346');
    q('writel 0x101004 7');
    q('readl 0x101000');
    expect(ok('readl 0x101004')).toBe('0x7');
    expect(ok('readw 0x101000')).toBe('0x0');
  });

  it('alarm: armed by ALARM_LOW, fires on the clock, IRQ 11 only when enabled, past alarms fire at once', () => {
    const { m, q, ok } = session({ rtcEpochNs: epoch, rtcClock: 'vm' });
    q('writel 0x10100c 0x12345');
    q('writel 0x101008 0x67891000'); // 0x1000 ns from now
    expect(ok('readl 0x101018')).toBe('0x1');
    expect(ok('clock_step')).toBe('OK 4096');
    expect(ok('readl 0x101018')).toBe('0x0');
    expect(m.board.plic.isPending(11)).toBe(false);
    q('writel 0x101010 1'); // enable: pending & enabled → line up
    expect(m.board.plic.isPending(11)).toBe(true);
    q('writel 0x10101c 1');
    q('writel 0x101008 0'); // in the past: fires immediately
    expect(ok('readl 0x101018')).toBe('0x0');
    q('writel 0x101008 0xffffffff');
    expect(ok('readl 0x101018')).toBe('0x1');
    q('writel 0x101014 1'); // clear alarm
    expect(ok('readl 0x101018')).toBe('0x0');
  });
});

describe('sifive_test finisher', () => {
  const fin = (f: (h: import('../../src/isa/hart').Hart) => void) =>
    runGuest({ bios: 'none', clock: 'virtual' }, (h) => {
      f(h);
      return 0;
    });
  it('PASS → 0', async () =>
    expect((await fin((h) => h.store32(VIRT_TEST, 0x5555))).exit.status).toBe(0));
  it('FAIL with code 7 → 7', async () =>
    expect((await fin((h) => h.store32(VIRT_TEST, 0x73333))).exit.status).toBe(7));
  it('FAIL with code 0 → 0 (QEMU quirk)', async () =>
    expect((await fin((h) => h.store32(VIRT_TEST, 0x3333))).exit.status).toBe(0));
  it('16-bit PASS works; other offsets, values and a byte store do not stop the machine', async () => {
    const { exit } = await runGuest({ bios: 'none', clock: 'virtual' }, (h) => {
      const causes: number[] = [];
      h.setTrapVector((c) => causes.push(c));
      h.store32(VIRT_TEST + 4, 0x5555);
      h.store32(VIRT_TEST, 0x1234);
      h.store8(VIRT_TEST, 0x55);
      expect(causes).toEqual([C.EXC_STORE_ACCESS_FAULT]);
      expect(h.load32(VIRT_TEST)).toBe(0);
      h.store16(VIRT_TEST, 0x5555);
      return 3;
    });
    expect(exit.status).toBe(0);
  });
});

describe('CLINT via qtest', () => {
  it('mtimecmp arms a timer that clock_step reaches; mtime writes move the time base', () => {
    const { m, q, ok } = session();
    q('writeq 0x2004000 1000');
    expect(ok('clock_step')).toBe('OK 100000');
    expect(ok('readq 0x200bff8')).toBe('0x3e8');
    expect(m.board.mtimer.timecmp[0]).toBe(1000n);
    q('writeq 0x200bff8 0x100000000');
    expect(ok('readl 0x200bffc')).toBe('0x1');
    q('writel 0x200bffc 0');
    expect(ok('readq 0x200bff8')).toBe('0x0');
    expect(ok('clock_set 50')).toBe('OK 100000');
    expect(ok('clock_set 200000')).toBe('OK 200000');
    expect(ok('readq 0x200bff8')).toBe('0x3e8');
  });

  it('aclint=on adds SSWI: writing 1 raises SSIP, 0 is ignored, reads 0', async () => {
    const { exit } = await runGuest({ aclint: true, clock: 'virtual' }, (h) => {
      h.store32(0x2f00000, 1);
      expect(h.csrr(C.CSR_SIP) & C.MIP_SSIP).toBe(C.MIP_SSIP);
      h.store32(0x2f00000, 0);
      expect(h.csrr(C.CSR_SIP) & C.MIP_SSIP).toBe(C.MIP_SSIP);
      expect(h.load32(0x2f00000)).toBe(0);
      return 0;
    });
    expect(exit.status).toBe(0);
  });
});

it('RTC reads from a guest (a 32-bit device)', async () => {
  const { exit } = await runGuest({ clock: 'virtual', rtcEpochNs: 1_000_000_000n }, (h) => {
    const lo = h.load32(VIRT_RTC);
    const hi = h.load32(VIRT_RTC + 4);
    return lo === 1_000_000_000 && hi === 0 ? 0 : 1;
  });
  expect(exit.status).toBe(0);
});
