// The ns16550a console driver on the machine, in both boot modes: the line setup it leaves in the UART,
// polled transmit, and receive through the UART interrupt into the ring that console.in drains.
import { describe, expect, it } from 'vitest';
import { MODES, onPlat } from './booted';

const IER = 1;
const IIR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;

for (const [bios, mode] of MODES) {
  describe(`UART console driver, ${mode}`, () => {
    it('init: 8N1 with DLAB off, FIFO on, OUT2, loopback off, only the receive interrupt on', () =>
      onPlat(
        {
          bios,
          before: (_h, m) => {
            m.board.uart.write(LCR, 1, 0x9f); // DLAB on, 8 bits, 2 stop bits, parity
            m.board.uart.write(MCR, 1, 0x10); // loopback
          },
        },
        ({ machine, plat, con }) => {
          const u = machine.board.uart;
          expect(u.read(LCR)).toBe(0x03);
          expect(u.read(MCR)).toBe(0x08);
          expect(u.read(IER)).toBe(0x01);
          expect(u.read(IIR) & 0xc0).toBe(0xc0); // FIFOs enabled
          plat.console.out('x');
          expect(con.output).toBe('x'); // not looped back into the receiver
        },
      ));

    it('out sends every byte, in order, and returns the byte count', () =>
      onPlat({ bios }, ({ plat, con }) => {
        const all = Uint8Array.from({ length: 256 }, (_, i) => i);
        expect(plat.console.out('héllo ✓\n')).toBe(11);
        expect(plat.console.out(all)).toBe(256);
        expect(plat.console.out('')).toBe(0);
        expect(con.bytes).toEqual(
          Uint8Array.from([...new TextEncoder().encode('héllo ✓\n'), ...all]),
        );
      }));

    it('transmit waits for THRE before each byte', () =>
      onPlat({ bios }, ({ plat, machine, con }) => {
        const u = machine.board.uart;
        const read = u.read.bind(u);
        const write = u.write.bind(u);
        const log: string[] = [];
        let busy = 0;
        u.read = (off: number) => {
          const v = read(off);
          if (off !== LSR) return v;
          // The transmitter is busy for two polls before each byte.
          const idle = busy++ % 3 === 2;
          log.push(idle ? 'idle' : 'busy');
          return idle ? v : v & ~0x60;
        };
        u.write = (off: number, size: number, v: number) => {
          if (off === 0) log.push(`thr ${String.fromCharCode(v)}`);
          write(off, size, v);
        };
        plat.console.out('ab');
        expect(log).toEqual(['busy', 'busy', 'idle', 'thr a', 'busy', 'busy', 'idle', 'thr b']);
        expect(con.output).toBe('ab');
      }));

    it('input arrives by the RX interrupt: the listener runs in IRQ context, in() drains it in order', () =>
      onPlat({ bios }, async ({ plat, con, desc }) => {
        const calls: boolean[] = [];
        plat.console.onInput(() => calls.push(plat.lcpu.irqsDisabled()));
        const buf = new Uint8Array(64);
        expect(plat.console.in(buf)).toBe(0);
        const text = 'the quick brown fox jumps over the lazy dog, twice: the quick brown fox';
        con.input(text);
        expect(calls).toEqual([]); // nothing happens until the hart takes the interrupt
        while (calls.length === 0) await plat.lcpu.halt();
        expect(calls.every((off) => off)).toBe(true);
        expect(plat.irq.count(desc.uart.irq)).toBeGreaterThanOrEqual(1);
        let got = '';
        for (let n = plat.console.in(buf); n > 0; n = plat.console.in(buf))
          got += new TextDecoder().decode(buf.subarray(0, n));
        expect(got).toBe(text);
        expect(plat.console.in(buf)).toBe(0);
      }));

    it('the receive ring keeps the first 4096 bytes while nobody reads, across its wrap; later ones are dropped', () =>
      onPlat({ bios }, async ({ plat, con, machine }) => {
        const buf = new Uint8Array(8192);
        const drain = async () => {
          while (machine.board.uart.queuedInput > 0 || machine.board.uart.read(5) & 1)
            await plat.lcpu.haltUntil(plat.time.monotonicNs() + 1_000_000);
          return plat.console.in(buf);
        };
        con.input(new Uint8Array(100).fill(0x2e)); // moves the ring's start off 0
        expect(await drain()).toBe(100);
        const sent = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
        con.input(sent);
        const n = await drain();
        expect(n).toBe(4096);
        expect(buf.subarray(0, n)).toEqual(sent.subarray(0, 4096));
        con.input('after');
        expect(new TextDecoder().decode(buf.subarray(0, await drain()))).toBe('after');
      }));

    it('onInput(null) removes the listener; input is still kept for in()', () =>
      onPlat({ bios }, async ({ plat, con, desc }) => {
        let calls = 0;
        plat.console.onInput(() => calls++);
        plat.console.onInput(null);
        con.input('z');
        while (plat.irq.count(desc.uart.irq) === 0) await plat.lcpu.halt();
        expect(calls).toBe(0);
        const buf = new Uint8Array(4);
        expect(plat.console.in(buf)).toBe(1);
        expect(buf[0]).toBe(0x7a);
      }));
  });
}
