import { describe, expect, it } from 'vitest';
import { CmdlineError } from '../src/cmdline';
import { parseCommandList } from '../src/commands';

describe('parseCommandList', () => {
  it('splits on & (background) and ; (wait), with per-command assignments', () => {
    expect(parseCommandList("httpd 8080 & GREETING=hi fetch 'http://x/;&' ; fetch a\\&b")).toEqual([
      { env: [], argv: ['httpd', '8080'], background: true },
      { env: ['GREETING=hi'], argv: ['fetch', 'http://x/;&'], background: false },
      { env: [], argv: ['fetch', 'a&b'], background: false },
    ]);
  });
  it('a trailing ; or blank is no command; a trailing & backgrounds the last', () => {
    expect(parseCommandList('  ')).toEqual([]);
    expect(parseCommandList('a;')).toEqual([{ env: [], argv: ['a'], background: false }]);
    expect(parseCommandList('a &')).toEqual([{ env: [], argv: ['a'], background: true }]);
    // an assignment after the program's name is an argument
    expect(parseCommandList('a X=1')[0]).toEqual({
      env: [],
      argv: ['a', 'X=1'],
      background: false,
    });
  });
  it('names the offset of an empty command, a command without a program, bad quoting', () => {
    expect(() => parseCommandList('a && b')).toThrow(
      new CmdlineError(
        "command list: no command before '&' at offset 3 ('&&' is not supported: use ';')",
      ),
    );
    expect(() => parseCommandList('; a')).toThrow(/no command before ';' at offset 0/);
    expect(() => parseCommandList('a ; X=1 Y=2')).toThrow(
      /'X=1 Y=2' \(offset 3\) sets variables but names no program/,
    );
    expect(() => parseCommandList("a ; b 'c")).toThrow(/unterminated ' quote opened at offset 6/);
  });
});
