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
  it('| joins a pipeline; the separator after its last command applies to all of it', () => {
    expect(parseCommandList('seq 3 | X=1 sum | tee & httpd ; a|b')).toEqual([
      { env: [], argv: ['seq', '3'], background: true, pipe: true },
      { env: ['X=1'], argv: ['sum'], background: true, pipe: true },
      { env: [], argv: ['tee'], background: true },
      { env: [], argv: ['httpd'], background: false },
      { env: [], argv: ['a'], background: false, pipe: true },
      { env: [], argv: ['b'], background: false },
    ]);
    expect(parseCommandList("echo 'a|b' | c\\|d")[0]!.argv).toEqual(['echo', 'a|b']);
  });
  it('names the offset of a | without a command on either side', () => {
    expect(() => parseCommandList('a |')).toThrow(
      new CmdlineError("command list: '|' at offset 2 has no command after it"),
    );
    expect(() => parseCommandList('a | ; b')).toThrow(/'\|' at offset 2 has no command after it/);
    expect(() => parseCommandList('a || b')).toThrow(
      new CmdlineError(
        "command list: '|' at offset 2 has no command after it ('||' is not supported: use ';')",
      ),
    );
    expect(() => parseCommandList('| b')).toThrow(/no command before '\|' at offset 0/);
  });
});
