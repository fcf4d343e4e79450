// The console's canonical line discipline: CR becomes NL, typed bytes are echoed, erase/kill/word
// erase edit the line (UTF-8 aware), a read returns at most one line, Ctrl-D ends the file on an
// empty line and sends a partial line otherwise, Ctrl-C drops the line.
import { describe, expect, it } from 'vitest';
import { RkTtyLine } from '../src/tty';

function tty() {
  let echoed = '';
  const t = new RkTtyLine((b) => {
    echoed += String.fromCharCode(...b);
  });
  const type = (s: string) => t.input(new TextEncoder().encode(s));
  const read = (n = 64) => {
    const b = new Uint8Array(n);
    const r = t.read(b);
    return r === null ? null : new TextDecoder().decode(b.subarray(0, r));
  };
  return { type, read, echoed: () => echoed };
}

describe('console line discipline (canonical mode)', () => {
  it('holds input until Enter (CR), then gives the line with NL and echoes CR NL', () => {
    const t = tty();
    t.type('select 1;');
    expect(t.read()).toBeNull();
    t.type('\r');
    expect(t.read()).toBe('select 1;\n');
    expect(t.read()).toBeNull();
    expect(t.echoed()).toBe('select 1;\r\n');
  });
  it('gives one line per read and the rest of a long line on the next read', () => {
    const t = tty();
    t.type('abcdef\nxy\n');
    expect(t.read(4)).toBe('abcd');
    expect(t.read(64)).toBe('ef\n');
    expect(t.read(64)).toBe('xy\n');
  });
  it('erases characters (whole UTF-8 sequences), words and lines, and echoes the erasure', () => {
    const t = tty();
    t.type('héllo\x7f\x7f\x7f\x08i wor\x17ld\n');
    expect(t.read()).toBe('hi ld\n');
    t.type('garbage\x15ok\r');
    expect(t.read()).toBe('ok\n');
    expect(t.echoed()).toContain('\b \b');
  });
  it('Ctrl-D: end of file on an empty line, the partial line otherwise; Ctrl-C drops the line', () => {
    const t = tty();
    t.type('par\x04');
    expect(t.read()).toBe('par');
    t.type('\x04');
    expect(t.read()).toBe('');
    t.type('oops\x03fine\n');
    expect(t.read()).toBe('fine\n');
    expect(t.echoed()).toContain('^C\r\n');
  });
});
