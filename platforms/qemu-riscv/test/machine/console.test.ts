// Console backends: QEMU's mux escapes, BufferConsole, callback consoles, and Ctrl-A x ending a run.
import { describe, expect, it } from 'vitest';
import { VIRT_UART0 } from '../../src/isa/memmap';
import { BufferConsole, Machine } from '../../src/machine';
import { MuxEscape } from '../../src/machine/console/mux';

describe('mux escapes (chardev/char-mux.c)', () => {
  it('passes bytes, doubles Ctrl-A, eats unknown escapes, switches on c, quits on x, helps on h', () => {
    const m = new MuxEscape();
    const u = (...b: number[]) => Uint8Array.from(b);
    expect(m.feed(u(0x61, 1, 1, 0x62))).toEqual([{ bytes: u(0x61, 1, 0x62) }]);
    expect(m.feed(u(1))).toEqual([]);
    expect(m.feed(u(0x68, 0x63))).toEqual([{ cmd: 'help' }, { bytes: u(0x63) }]);
    expect(m.feed(u(0x61, 1, 0x63, 0x62))).toEqual([
      { bytes: u(0x61) },
      { cmd: 'switch' },
      { bytes: u(0x62) },
    ]);
    expect(m.feed(u(1, 0x7a, 0x64, 1, 0x78, 0x65))).toEqual([{ bytes: u(0x64) }, { cmd: 'quit' }]);
  });
});

describe('consoles', () => {
  it('BufferConsole collects UTF-8 output; a callback console receives text', async () => {
    let text = '';
    const m = new Machine({ bios: 'none', clock: 'virtual', console: (t) => (text += t) });
    const exit = await m.boot((h) => {
      for (const b of new TextEncoder().encode('héllo')) h.store8(VIRT_UART0, b);
      h.store32(0x100000, 0x5555);
    });
    expect(exit.status).toBe(0);
    expect(text).toBe('héllo');
    const con = new BufferConsole();
    con.write(0xc3);
    con.write(0xa9);
    expect(con.output).toBe('é');
    expect(con.bytes).toEqual(Uint8Array.from([0xc3, 0xa9]));
    con.clear();
    expect(con.output).toBe('');
  });

  it("a console's quit (Ctrl-A x) powers the machine off with status 0", async () => {
    const con = new BufferConsole();
    let sink: { quit(): void } | null = null;
    const orig = con.attach.bind(con);
    con.attach = (s) => {
      sink = s;
      orig(s);
    };
    const m = new Machine({ console: con, clock: 'virtual' });
    const run = m.boot(async (h) => {
      (sink as unknown as { quit(): void }).quit();
      await h.wfi();
    });
    expect(await run).toEqual({ status: 0, reason: 'quit' });
  });
});
